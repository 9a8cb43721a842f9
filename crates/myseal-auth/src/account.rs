//! Accounts (`'user'@'host'`), their authentication plugin and `REQUIRE` clause, and the store
//! the server authenticates against.
//!
//! MySQL reference: <https://dev.mysql.com/doc/refman/8.4/en/connection-access.html>
//!
//! Host parts are lowercased on the way in (MySQL stores them lowercased and compares them
//! case-insensitively); user names are case-sensitive. [`AccountStore::find`] picks the account
//! MySQL would: the first match in MySQL's ACL order (see its docs). The store also owns the
//! `caching_sha2_password` digest cache, keyed by the account's (user, host pattern).

use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use dashmap::mapref::entry::Entry;
use dashmap::DashMap;

use crate::hostmatch::{sort_weight, HostPattern};
use crate::resources::{HourlyLimits, Usage};
use crate::{caching_sha2, native, AuthError};

/// An authentication plugin an account can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum AuthPlugin {
    /// `caching_sha2_password`, MySQL 8.4's default.
    #[default]
    CachingSha2Password,
    /// `mysql_native_password` (deprecated in MySQL 8.4, still supported).
    MysqlNativePassword,
}

impl AuthPlugin {
    /// The plugin's name as it appears on the wire and in `mysql.user.plugin`.
    pub fn name(self) -> &'static str {
        match self {
            AuthPlugin::CachingSha2Password => "caching_sha2_password",
            AuthPlugin::MysqlNativePassword => "mysql_native_password",
        }
    }

    /// The plugin named `s` (case-sensitive, as MySQL's plugin names are on the wire), if
    /// myseal supports it.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "caching_sha2_password" => Some(AuthPlugin::CachingSha2Password),
            "mysql_native_password" => Some(AuthPlugin::MysqlNativePassword),
            _ => None,
        }
    }

    /// Whether MySQL would hash this password under this plugin: `caching_sha2_password`
    /// refuses passwords longer than [`caching_sha2::MAX_PASSWORD_LEN`] bytes.
    pub fn accepts_password(self, password: &[u8]) -> bool {
        match self {
            AuthPlugin::CachingSha2Password => password.len() <= caching_sha2::MAX_PASSWORD_LEN,
            AuthPlugin::MysqlNativePassword => true,
        }
    }

    /// Whether `password` is the one `stored` (this plugin's `authentication_string`) was
    /// made from.
    pub fn verifies(self, stored: &str, password: &[u8]) -> bool {
        match self {
            AuthPlugin::CachingSha2Password => caching_sha2::verify_full(stored, password),
            AuthPlugin::MysqlNativePassword => {
                crate::ct::eq(native::hash(password).as_bytes(), stored.as_bytes())
            }
        }
    }

    /// The stored `authentication_string` for `password` under this plugin.
    pub fn hash(self, password: &[u8]) -> String {
        match self {
            AuthPlugin::CachingSha2Password => caching_sha2::hash_random(password),
            AuthPlugin::MysqlNativePassword => native::hash(password),
        }
    }
}

/// An account's `REQUIRE` clause.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum SslRequirement {
    /// `REQUIRE NONE`.
    #[default]
    None,
    /// `REQUIRE SSL`: the connection must use TLS.
    Ssl,
    /// `REQUIRE X509`: TLS with a client certificate that verified against the CA.
    X509,
    /// `REQUIRE CIPHER/ISSUER/SUBJECT ...`: TLS, a verified client certificate, and each given
    /// field equal (cipher as OpenSSL names it, issuer/subject in OpenSSL's one-line form).
    Specified {
        /// Required cipher name, e.g. `TLS_AES_256_GCM_SHA384`.
        cipher: Option<String>,
        /// Required issuer, e.g. `/C=SE/O=MySQL/CN=ca`.
        issuer: Option<String>,
        /// Required subject, e.g. `/C=SE/O=MySQL/CN=client`.
        subject: Option<String>,
    },
}

/// `PASSWORD_LOCK_TIME`: how long failed logins block an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordLockTime {
    /// That many days (0: failed logins are not tracked).
    Days(u32),
    /// `UNBOUNDED`: until `ACCOUNT UNLOCK`, `FLUSH PRIVILEGES` or a restart.
    Unbounded,
}

/// `PASSWORD EXPIRE {DEFAULT | NEVER | INTERVAL n DAY}`: how long a password lasts
/// (`mysql.user.password_lifetime`: NULL, 0 or n).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PasswordLifetime {
    /// The server's `default_password_lifetime` (days; 0 = forever).
    #[default]
    Default,
    /// Never expires.
    Never,
    /// Expires that many days (1..=65535) after it was set.
    Days(u16),
}

impl Default for PasswordLockTime {
    fn default() -> Self {
        PasswordLockTime::Days(0)
    }
}

/// One account, as a row of `mysql.user` would describe it.
///
/// `Debug` leaves out `auth_string`, so accounts can be logged without leaking hashes.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// User part; `""` is the anonymous user, which matches any user name.
    pub user: String,
    /// Host pattern, lowercased: a name or IP with `%`/`_` wildcards, or `ip/mask`.
    pub host: String,
    /// Authentication plugin.
    pub plugin: AuthPlugin,
    /// Stored credential in the plugin's format (`""` means no password).
    pub auth_string: String,
    /// `ACCOUNT LOCK`.
    pub locked: bool,
    /// `REQUIRE` clause.
    pub require: SslRequirement,
    /// `PASSWORD EXPIRE`: the session may do nothing but change the password (MySQL's
    /// sandbox mode) until it does.
    pub password_expired: bool,
    /// `FAILED_LOGIN_ATTEMPTS` (0: failed logins are not tracked).
    pub failed_login_attempts: u32,
    /// `PASSWORD_LOCK_TIME`.
    pub password_lock_time: PasswordLockTime,
    /// `MAX_USER_CONNECTIONS` (0: no limit but the server's).
    pub max_user_connections: u32,
    /// `MAX_QUERIES_PER_HOUR`, `MAX_UPDATES_PER_HOUR`, `MAX_CONNECTIONS_PER_HOUR`.
    pub hourly_limits: HourlyLimits,
    /// `PASSWORD EXPIRE DEFAULT | NEVER | INTERVAL n DAY`.
    pub password_lifetime: PasswordLifetime,
    /// `PASSWORD REQUIRE CURRENT` (Some(true)), `... OPTIONAL` (Some(false)) or `... DEFAULT`
    /// (None: the `password_require_current` variable decides).
    pub password_require_current: Option<bool>,
    /// When the password was last set (`mysql.user.password_last_changed`); the store sets
    /// it when an account is created or its credential changes.
    pub password_last_changed: Option<std::time::SystemTime>,
}

impl Account {
    /// True when the password must be changed before anything else: `PASSWORD EXPIRE`, or
    /// its lifetime (the account's, or `default_lifetime_days` for `PASSWORD EXPIRE DEFAULT`;
    /// 0 = forever) has run out, as MySQL checks at each login.
    pub fn password_has_expired(&self, default_lifetime_days: u64) -> bool {
        if self.password_expired {
            return true;
        }
        let days = match self.password_lifetime {
            PasswordLifetime::Never => return false,
            PasswordLifetime::Default => default_lifetime_days,
            PasswordLifetime::Days(n) => u64::from(n),
        };
        if days == 0 {
            return false;
        }
        let Some(changed) = self.password_last_changed else {
            return false;
        };
        let age = std::time::SystemTime::now()
            .duration_since(changed)
            .unwrap_or_default();
        age.as_secs() / SECONDS_PER_DAY >= days
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("user", &self.user)
            .field("host", &self.host)
            .field("plugin", &self.plugin)
            .field("auth_string", &"<redacted>")
            .field("locked", &self.locked)
            .field("require", &self.require)
            .field("password_expired", &self.password_expired)
            .field("failed_login_attempts", &self.failed_login_attempts)
            .field("password_lock_time", &self.password_lock_time)
            .field("max_user_connections", &self.max_user_connections)
            .field("hourly_limits", &self.hourly_limits)
            .field("password_lifetime", &self.password_lifetime)
            .field("password_last_changed", &self.password_last_changed)
            .finish()
    }
}

type Key = (String, String);

fn key(user: &str, host: &str) -> Key {
    (user.to_string(), host.to_lowercase())
}

/// All accounts plus the `caching_sha2_password` cache. Safe to share between connections
/// (`Arc<AccountStore>`); every method takes `&self`.
#[derive(Default)]
pub struct AccountStore {
    accounts: DashMap<Key, Account>,
    cache: DashMap<Key, [u8; 32]>,
    /// Failed-login tracking per account (FAILED_LOGIN_ATTEMPTS / PASSWORD_LOCK_TIME).
    logins: DashMap<Key, LoginFailures>,
    /// What accounts with per-hour limits used this hour (see [`crate::resources`]).
    usage: DashMap<Key, Arc<Usage>>,
}

/// Consecutive failed logins of an account, and since when it is blocked.
#[derive(Clone, Copy, Debug, Default)]
struct LoginFailures {
    consecutive: u32,
    blocked_since: Option<std::time::SystemTime>,
}

const SECONDS_PER_DAY: u64 = 86_400;

impl fmt::Debug for AccountStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountStore")
            .field("accounts", &self.accounts.len())
            .field("cached_digests", &self.cache.len())
            .finish()
    }
}

impl AccountStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// `CREATE USER 'user'@'host' IDENTIFIED WITH plugin BY password`: unlocked, `REQUIRE NONE`.
    /// Fails with ER 1396 (`Operation CREATE USER failed for ...`) if the account exists or the
    /// plugin refuses the password (see [`AuthPlugin::accepts_password`]).
    pub fn create_user(
        &self,
        user: &str,
        host: &str,
        plugin: AuthPlugin,
        password: &[u8],
    ) -> Result<(), AuthError> {
        let k = key(user, host);
        if !plugin.accepts_password(password) {
            return Err(AuthError::OperationFailed {
                operation: "CREATE USER",
                user: k.0,
                host: k.1,
            });
        }
        match self.accounts.entry(k.clone()) {
            Entry::Occupied(_) => Err(AuthError::OperationFailed {
                operation: "CREATE USER",
                user: k.0,
                host: k.1,
            }),
            Entry::Vacant(v) => {
                v.insert(Account {
                    user: k.0.clone(),
                    host: k.1.clone(),
                    plugin,
                    auth_string: plugin.hash(password),
                    password_last_changed: Some(std::time::SystemTime::now()),
                    ..Account::default()
                });
                self.cache.remove(&k);
                Ok(())
            }
        }
    }

    /// Inserts or replaces an account as given (host lowercased) and drops its cache entry.
    /// `password_last_changed` becomes now when the credential changed or was never set (a
    /// renamed account keeps its own).
    pub fn upsert(&self, account: Account) {
        let mut account = account;
        account.host = account.host.to_lowercase();
        let k = (account.user.clone(), account.host.clone());
        let changed = self.accounts.get(&k).is_some_and(|old| {
            old.auth_string != account.auth_string || old.plugin != account.plugin
        });
        if changed || account.password_last_changed.is_none() {
            account.password_last_changed = Some(std::time::SystemTime::now());
        }
        self.accounts.insert(k.clone(), account);
        self.cache.remove(&k);
    }

    /// `ALTER USER ... IDENTIFIED BY`: rehashes with the account's plugin and clears its
    /// `caching_sha2_password` cache entry. ER 1396 (`ALTER USER`) if the account is missing or
    /// the plugin refuses the password (see [`AuthPlugin::accepts_password`]).
    pub fn set_password(&self, user: &str, host: &str, password: &[u8]) -> Result<(), AuthError> {
        let k = key(user, host);
        match self.accounts.get_mut(&k) {
            Some(mut acc) => {
                if !acc.plugin.accepts_password(password) {
                    return Err(AuthError::OperationFailed {
                        operation: "ALTER USER",
                        user: k.0,
                        host: k.1,
                    });
                }
                acc.auth_string = acc.plugin.hash(password);
                acc.password_expired = false;
                acc.password_last_changed = Some(std::time::SystemTime::now());
                self.cache.remove(&k);
                Ok(())
            }
            None => Err(AuthError::OperationFailed {
                operation: "ALTER USER",
                user: k.0,
                host: k.1,
            }),
        }
    }

    /// `DROP USER`: removes the account and its cache entry. ER 1396 (`DROP USER`) if missing.
    pub fn drop_user(&self, user: &str, host: &str) -> Result<(), AuthError> {
        let k = key(user, host);
        self.cache.remove(&k);
        self.logins.remove(&k);
        self.usage.remove(&k);
        match self.accounts.remove(&k) {
            Some(_) => Ok(()),
            None => Err(AuthError::OperationFailed {
                operation: "DROP USER",
                user: k.0,
                host: k.1,
            }),
        }
    }

    /// The account with exactly this user and host pattern (host compared case-insensitively).
    pub fn get(&self, user: &str, host: &str) -> Option<Account> {
        self.accounts.get(&key(user, host)).map(|a| a.clone())
    }

    /// The account MySQL would match for `user` connecting from `client_ip`.
    ///
    /// Candidates are accounts whose user equals `user` (or is anonymous `''`) and whose host
    /// pattern matches the client: `%`/`_` wildcards against the IP text, or against
    /// `localhost` for loopback clients (myseal has no unix socket and does no DNS, so a
    /// loopback TCP client is `localhost`, as MySQL's name resolution would make it), or an
    /// IPv4 netmask. IPv4-mapped IPv6 addresses count as IPv4. The first candidate in MySQL's
    /// ACL order wins: netmask hosts first (narrowest first), then by `get_sort` weight of
    /// (host, user) descending, i.e. literal hosts before wildcard hosts, longer literal
    /// prefixes before shorter, `%` and then `''` last, and a named user before `''` on the
    /// same host. Remaining ties go to the lexicographically smaller (host, user).
    pub fn find(&self, user: &str, client_ip: IpAddr) -> Option<Account> {
        let ip = client_ip.to_canonical();
        let ip_text = ip.to_string();
        let hostname = ip.is_loopback().then_some("localhost");
        let mut best: Option<(AclRank, Account)> = None;
        for entry in self.accounts.iter() {
            let acc = entry.value();
            if !acc.user.is_empty() && acc.user != user {
                continue;
            }
            let pattern = HostPattern::parse(&acc.host);
            if !pattern.matches(hostname, ip, &ip_text) {
                continue;
            }
            let rank = AclRank::of(&pattern, acc);
            let better = match &best {
                None => true,
                Some((r, _)) => rank.cmp(r) == Ordering::Less,
            };
            if better {
                best = Some((rank, acc.clone()));
            }
        }
        best.map(|(_, a)| a)
    }

    /// Every account, in MySQL's ACL order.
    pub fn accounts(&self) -> Vec<Account> {
        let mut all: Vec<(AclRank, Account)> = self
            .accounts
            .iter()
            .map(|e| {
                let acc = e.value().clone();
                (AclRank::of(&HostPattern::parse(&acc.host), &acc), acc)
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all.into_iter().map(|(_, a)| a).collect()
    }

    /// `FLUSH PRIVILEGES` for the `caching_sha2_password` cache: forget every digest, so the
    /// next login of each account needs full authentication. It also unblocks every account
    /// blocked by failed logins and resets their counts, as MySQL's does.
    pub fn flush_cache(&self) {
        self.cache.clear();
        self.logins.clear();
        self.flush_user_resources();
    }

    /// The per-hour counters a new session of `acc` is charged to; None when the account has
    /// no per-hour limit (its sessions are never counted, as in MySQL).
    pub fn usage_for(&self, acc: &Account) -> Option<Arc<Usage>> {
        if acc.hourly_limits.is_unlimited() {
            return None;
        }
        let usage = self
            .usage
            .entry(key(&acc.user, &acc.host))
            .or_insert_with(|| Arc::new(Usage::new(&acc.user, acc.hourly_limits)));
        Some(Arc::clone(&usage))
    }

    /// Resets an account's per-hour counts and takes up its current limits (`ALTER USER` or
    /// `GRANT` with a resource option, as MySQL's `reset_mqh` for one account).
    pub fn reset_usage(&self, user: &str, host: &str) {
        let limits = self
            .get(user, host)
            .map(|a| a.hourly_limits)
            .unwrap_or_default();
        if let Some(u) = self.usage.get(&key(user, host)) {
            u.reset(limits);
        }
    }

    /// `FLUSH USER_RESOURCES` (and `FLUSH PRIVILEGES`): every account's per-hour counts start
    /// again from zero, under the limits the accounts have now.
    pub fn flush_user_resources(&self) {
        for entry in self.usage.iter() {
            let (user, host) = entry.key();
            let limits = self
                .get(user, host)
                .map(|a| a.hourly_limits)
                .unwrap_or_default();
            entry.value().reset(limits);
        }
    }

    /// Forgets an account's failed logins (`ALTER USER ... ACCOUNT UNLOCK`, or a new
    /// FAILED_LOGIN_ATTEMPTS / PASSWORD_LOCK_TIME).
    pub fn reset_failed_logins(&self, user: &str, host: &str) {
        self.logins.remove(&key(user, host));
    }

    /// ER 3955 when failed logins block `acc` now (`host` is the client's, for the message).
    /// A block whose days have passed is lifted and the count starts afresh.
    pub fn login_blocked(&self, acc: &Account, host: &str) -> Option<AuthError> {
        if !tracks_failed_logins(acc) {
            return None;
        }
        let k = key(&acc.user, &acc.host);
        let state = *self.logins.get(&k)?;
        let since = state.blocked_since?;
        let remaining = match acc.password_lock_time {
            PasswordLockTime::Unbounded => None,
            PasswordLockTime::Days(days) => {
                let elapsed = since.elapsed().map_or(0, |d| d.as_secs() / SECONDS_PER_DAY);
                let left = u64::from(days).saturating_sub(elapsed);
                if left == 0 {
                    self.logins.remove(&k);
                    return None;
                }
                Some(u32::try_from(left).unwrap_or(u32::MAX))
            }
        };
        Some(blocked_error(acc, host, remaining))
    }

    /// Counts a failed login of `acc`: ER 3955 when this failure (or an earlier one) blocks it.
    pub fn login_failed(&self, acc: &Account, host: &str) -> Option<AuthError> {
        if !tracks_failed_logins(acc) {
            return None;
        }
        if let Some(e) = self.login_blocked(acc, host) {
            return Some(e);
        }
        let mut state = self.logins.entry(key(&acc.user, &acc.host)).or_default();
        state.consecutive += 1;
        if state.consecutive >= acc.failed_login_attempts {
            state.blocked_since = Some(std::time::SystemTime::now());
            let remaining = match acc.password_lock_time {
                PasswordLockTime::Days(d) => Some(d),
                PasswordLockTime::Unbounded => None,
            };
            return Some(blocked_error(acc, host, remaining));
        }
        None
    }

    /// A successful login of `acc` resets its count of failed logins.
    pub fn login_succeeded(&self, acc: &Account) {
        if tracks_failed_logins(acc) {
            self.logins.remove(&key(&acc.user, &acc.host));
        }
    }

    /// The cached `SHA256(SHA256(password))` of an account, if a full authentication filled it.
    pub fn cached_digest(&self, user: &str, host: &str) -> Option<[u8; 32]> {
        self.cache.get(&key(user, host)).map(|d| *d)
    }

    /// Caches `digest` (`SHA256(SHA256(password))`) for an account after full authentication.
    pub fn cache_digest(&self, user: &str, host: &str, digest: [u8; 32]) {
        self.cache.insert(key(user, host), digest);
    }
}

/// Failed logins are tracked only when both FAILED_LOGIN_ATTEMPTS and PASSWORD_LOCK_TIME are
/// set (not 0), as in MySQL.
fn tracks_failed_logins(acc: &Account) -> bool {
    acc.failed_login_attempts > 0 && acc.password_lock_time != PasswordLockTime::Days(0)
}

fn blocked_error(acc: &Account, host: &str, remaining: Option<u32>) -> AuthError {
    let days = match acc.password_lock_time {
        PasswordLockTime::Days(d) => d.to_string(),
        PasswordLockTime::Unbounded => "unlimited".to_string(),
    };
    AuthError::AccountBlocked {
        user: acc.user.clone(),
        host: host.to_string(),
        days,
        remaining: remaining.map_or_else(|| "unlimited".to_string(), |r| r.to_string()),
        attempts: acc.failed_login_attempts,
    }
}

/// Sort key reproducing MySQL's ACL order; smaller sorts first.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct AclRank {
    /// 0 for netmask hosts, 1 for the rest.
    class: u8,
    /// For netmask hosts: inverted mask (narrower masks first).
    inv_mask: u32,
    /// Inverted `get_sort(host, user)`.
    inv_sort: u32,
    host: String,
    user: String,
}

impl AclRank {
    fn of(pattern: &HostPattern, acc: &Account) -> Self {
        let (class, inv_mask) = match pattern.mask() {
            Some(mask) => (0, !mask),
            None => (1, 0),
        };
        let sort = (sort_weight(&acc.host) << 8) + sort_weight(&acc.user);
        AclRank {
            class,
            inv_mask,
            inv_sort: !sort,
            host: acc.host.clone(),
            user: acc.user.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_password_expires_when_its_lifetime_has_run_out() {
        let days_ago = |d: u64| {
            Some(
                std::time::SystemTime::now()
                    - std::time::Duration::from_secs(d * SECONDS_PER_DAY + 5),
            )
        };
        let acc = |lifetime, changed| Account {
            password_lifetime: lifetime,
            password_last_changed: changed,
            ..Account::default()
        };
        assert!(!acc(PasswordLifetime::Days(3), days_ago(2)).password_has_expired(0));
        assert!(acc(PasswordLifetime::Days(3), days_ago(3)).password_has_expired(0));
        assert!(!acc(PasswordLifetime::Never, days_ago(900)).password_has_expired(1));
        // DEFAULT follows default_password_lifetime (0: forever).
        assert!(!acc(PasswordLifetime::Default, days_ago(900)).password_has_expired(0));
        assert!(acc(PasswordLifetime::Default, days_ago(2)).password_has_expired(1));
        assert!(!acc(PasswordLifetime::Default, days_ago(0)).password_has_expired(1));
        // PASSWORD EXPIRE expires it whatever the lifetime.
        let expired = Account {
            password_expired: true,
            ..acc(PasswordLifetime::Never, days_ago(0))
        };
        assert!(expired.password_has_expired(0));
    }

    #[test]
    fn the_store_records_when_a_password_was_set() {
        let s = store(&[("u", "%")]);
        let first = s.get("u", "%").unwrap().password_last_changed.unwrap();
        // Options that leave the credential alone keep the time; a new one moves it.
        let mut acc = s.get("u", "%").unwrap();
        acc.password_last_changed = Some(std::time::UNIX_EPOCH);
        acc.locked = true;
        s.upsert(acc.clone());
        assert_eq!(
            s.get("u", "%").unwrap().password_last_changed,
            Some(std::time::UNIX_EPOCH)
        );
        acc.auth_string = AuthPlugin::MysqlNativePassword.hash(b"other");
        s.upsert(acc);
        assert!(s.get("u", "%").unwrap().password_last_changed.unwrap() >= first);
        s.set_password("u", "%", b"third").unwrap();
        assert!(s.get("u", "%").unwrap().password_last_changed.unwrap() >= first);
    }

    fn store(accounts: &[(&str, &str)]) -> AccountStore {
        let s = AccountStore::new();
        for (u, h) in accounts {
            s.create_user(u, h, AuthPlugin::MysqlNativePassword, b"pw")
                .unwrap();
        }
        s
    }

    fn found(s: &AccountStore, user: &str, from: &str) -> Option<(String, String)> {
        s.find(user, ip(from)).map(|a| (a.user, a.host))
    }

    fn pair(u: &str, h: &str) -> Option<(String, String)> {
        Some((u.to_string(), h.to_string()))
    }

    #[test]
    fn plugin_names_round_trip() {
        for p in [
            AuthPlugin::CachingSha2Password,
            AuthPlugin::MysqlNativePassword,
        ] {
            assert_eq!(AuthPlugin::from_name(p.name()), Some(p));
        }
        for other in [
            "sha256_password",
            "dialog",
            "mysql_clear_password",
            "client_ed25519",
            "",
        ] {
            assert_eq!(AuthPlugin::from_name(other), None);
        }
    }

    #[test]
    fn literal_ip_beats_percent() {
        let s = store(&[("u", "%"), ("u", "127.0.0.1")]);
        assert_eq!(found(&s, "u", "127.0.0.1"), pair("u", "127.0.0.1"));
        assert_eq!(found(&s, "u", "10.1.2.3"), pair("u", "%"));
    }

    #[test]
    fn percent_matches_ipv6_loopback() {
        let s = store(&[("u", "%")]);
        assert_eq!(found(&s, "u", "::1"), pair("u", "%"));
    }

    #[test]
    fn localhost_matches_ipv4_and_ipv6_loopback_but_not_remote_clients() {
        let s = store(&[("u", "localhost")]);
        assert_eq!(found(&s, "u", "127.0.0.1"), pair("u", "localhost"));
        assert_eq!(found(&s, "u", "::1"), pair("u", "localhost"));
        assert_eq!(found(&s, "u", "::ffff:127.0.0.1"), pair("u", "localhost"));
        assert_eq!(found(&s, "u", "192.0.2.1"), None);
    }

    #[test]
    fn prefix_pattern_does_not_match_other_networks() {
        let s = store(&[("u", "192.168.%")]);
        assert_eq!(found(&s, "u", "127.0.0.1"), None);
        assert_eq!(found(&s, "u", "192.168.4.5"), pair("u", "192.168.%"));
    }

    #[test]
    fn underscore_matches_exactly_one_character() {
        let s = store(&[("u", "10.0.0._")]);
        assert_eq!(found(&s, "u", "10.0.0.7"), pair("u", "10.0.0._"));
        assert_eq!(found(&s, "u", "10.0.0.17"), None);
    }

    #[test]
    fn longer_literal_prefix_wins() {
        let s = store(&[("u", "192.168.%"), ("u", "192.168.1.%"), ("u", "%")]);
        assert_eq!(found(&s, "u", "192.168.1.9"), pair("u", "192.168.1.%"));
        assert_eq!(found(&s, "u", "192.168.2.9"), pair("u", "192.168.%"));
    }

    #[test]
    fn anonymous_user_on_specific_host_beats_named_user_on_percent() {
        // MySQL's well-known rule: host specificity is compared before the user name.
        let s = store(&[("u", "%"), ("", "localhost")]);
        assert_eq!(found(&s, "u", "127.0.0.1"), pair("", "localhost"));
        assert_eq!(found(&s, "u", "10.0.0.1"), pair("u", "%"));
    }

    #[test]
    fn named_user_beats_anonymous_on_the_same_host() {
        let s = store(&[("", "%"), ("u", "%")]);
        assert_eq!(found(&s, "u", "10.0.0.1"), pair("u", "%"));
        assert_eq!(found(&s, "other", "10.0.0.1"), pair("", "%"));
    }

    #[test]
    fn user_names_are_case_sensitive() {
        let s = store(&[("u", "%")]);
        assert_eq!(found(&s, "U", "10.0.0.1"), None);
    }

    #[test]
    fn netmask_hosts_sort_before_patterns() {
        let s = store(&[
            ("u", "10.0.0.1"),
            ("u", "10.0.0.0/255.255.255.0"),
            ("u", "10.0.0.0/8"),
        ]);
        assert_eq!(
            found(&s, "u", "10.0.0.1"),
            pair("u", "10.0.0.0/255.255.255.0")
        );
        assert_eq!(found(&s, "u", "10.9.0.1"), pair("u", "10.0.0.0/8"));
    }

    #[test]
    fn empty_host_matches_everything_and_sorts_last() {
        let s = store(&[("u", ""), ("u", "%")]);
        assert_eq!(found(&s, "u", "10.0.0.1"), pair("u", "%"));
        s.drop_user("u", "%").unwrap();
        assert_eq!(found(&s, "u", "10.0.0.1"), pair("u", ""));
    }

    #[test]
    fn accounts_lists_in_acl_order() {
        let s = store(&[("u", "%"), ("", "%"), ("u", "localhost"), ("u", "10.%")]);
        let order: Vec<_> = s
            .accounts()
            .into_iter()
            .map(|a| format!("{}@{}", a.user, a.host))
            .collect();
        assert_eq!(order, ["u@localhost", "u@10.%", "u@%", "@%"]);
    }

    #[test]
    fn create_user_twice_fails_with_1396() {
        let s = store(&[("u", "%")]);
        let e = s
            .create_user("u", "%", AuthPlugin::CachingSha2Password, b"x")
            .unwrap_err();
        assert_eq!(e.code(), 1396);
        assert_eq!(e.to_string(), "Operation CREATE USER failed for 'u'@'%'");
    }

    #[test]
    fn hosts_are_stored_lowercase_and_looked_up_case_insensitively() {
        let s = store(&[("u", "LocalHost")]);
        assert_eq!(s.get("u", "localhost").unwrap().host, "localhost");
        assert!(s.get("u", "LOCALHOST").is_some());
        assert!(s
            .create_user("u", "localhost", AuthPlugin::MysqlNativePassword, b"")
            .is_err());
    }

    #[test]
    fn drop_user_removes_account_and_cache_and_reports_missing() {
        let s = store(&[("u", "%")]);
        s.cache_digest("u", "%", [1; 32]);
        s.drop_user("u", "%").unwrap();
        assert!(s.get("u", "%").is_none());
        assert!(s.cached_digest("u", "%").is_none());
        let e = s.drop_user("u", "%").unwrap_err();
        assert_eq!(e.to_string(), "Operation DROP USER failed for 'u'@'%'");
    }

    #[test]
    fn set_password_rehashes_and_clears_cache() {
        let s = AccountStore::new();
        s.create_user("u", "%", AuthPlugin::CachingSha2Password, b"old")
            .unwrap();
        s.cache_digest("u", "%", caching_sha2::cache_digest(b"old"));
        s.set_password("u", "%", b"new").unwrap();
        let acc = s.get("u", "%").unwrap();
        assert!(caching_sha2::verify_full(&acc.auth_string, b"new"));
        assert!(!caching_sha2::verify_full(&acc.auth_string, b"old"));
        assert!(s.cached_digest("u", "%").is_none());
        let e = s.set_password("nobody", "%", b"x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Operation ALTER USER failed for 'nobody'@'%'"
        );
    }

    #[test]
    fn create_user_hashes_with_the_chosen_plugin() {
        let s = AccountStore::new();
        s.create_user("n", "%", AuthPlugin::MysqlNativePassword, b"password")
            .unwrap();
        s.create_user("c", "%", AuthPlugin::CachingSha2Password, b"password")
            .unwrap();
        s.create_user("e", "%", AuthPlugin::CachingSha2Password, b"")
            .unwrap();
        assert_eq!(
            s.get("n", "%").unwrap().auth_string,
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"
        );
        assert!(s.get("c", "%").unwrap().auth_string.starts_with("$A$005$"));
        assert_eq!(s.get("e", "%").unwrap().auth_string, "");
        let acc = s.get("c", "%").unwrap();
        assert!(!acc.locked);
        assert_eq!(acc.require, SslRequirement::None);
    }

    #[test]
    fn overlong_caching_sha2_passwords_are_refused() {
        let s = AccountStore::new();
        let long = vec![b'a'; caching_sha2::MAX_PASSWORD_LEN + 1];
        let e = s
            .create_user("u", "%", AuthPlugin::CachingSha2Password, &long)
            .unwrap_err();
        assert_eq!(e.code(), 1396);
        assert!(s.get("u", "%").is_none());
        s.create_user("u", "%", AuthPlugin::CachingSha2Password, b"ok")
            .unwrap();
        assert!(s.set_password("u", "%", &long).is_err());
        assert!(caching_sha2::verify_full(
            &s.get("u", "%").unwrap().auth_string,
            b"ok"
        ));
        s.create_user("n", "%", AuthPlugin::MysqlNativePassword, &long)
            .unwrap();
    }

    #[test]
    fn upsert_replaces_and_clears_cache() {
        let s = store(&[("u", "%")]);
        s.cache_digest("u", "%", [9; 32]);
        let mut acc = s.get("u", "%").unwrap();
        acc.locked = true;
        s.upsert(acc);
        assert!(s.get("u", "%").unwrap().locked);
        assert!(s.cached_digest("u", "%").is_none());
    }

    #[test]
    fn flush_cache_forgets_all_digests() {
        let s = store(&[("a", "%"), ("b", "%")]);
        s.cache_digest("a", "%", [1; 32]);
        s.cache_digest("b", "%", [2; 32]);
        assert_eq!(s.cached_digest("a", "%"), Some([1; 32]));
        s.flush_cache();
        assert!(s.cached_digest("a", "%").is_none());
        assert!(s.cached_digest("b", "%").is_none());
    }

    #[test]
    fn debug_output_redacts_the_hash() {
        let s = store(&[("u", "%")]);
        let text = format!("{:?}", s.get("u", "%").unwrap());
        assert!(!text.contains('*'), "{text}");
        assert!(text.contains("redacted"));
    }
}
