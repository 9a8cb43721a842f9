//! The crate's error type, rendered exactly like MySQL's error messages.
//!
//! MySQL reference: <https://dev.mysql.com/doc/mysql-errors/8.4/en/server-error-reference.html>

/// Truncates `s` to at most `max` characters, like MySQL's `%-.Ns` format.
fn trunc(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((idx, _)) => s.get(..idx).unwrap_or(s),
        None => s,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "YES"
    } else {
        "NO"
    }
}

/// Everything that can go wrong while authenticating or managing accounts.
///
/// `Display` is MySQL's message text; [`AuthError::code`] and [`AuthError::sql_state`] give the
/// error number and SQLSTATE the session puts in the ERR packet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// ER_ACCESS_DENIED_ERROR (1045, 28000): wrong password, unknown user or unmet `REQUIRE`.
    #[error(
        "Access denied for user '{}'@'{}' (using password: {})",
        trunc(user, 48),
        trunc(host, 64),
        yes_no(*using_password)
    )]
    AccessDenied {
        /// The user name the client sent.
        user: String,
        /// The client's host as MySQL reports it (the IP as text).
        host: String,
        /// Whether the client sent a non-empty authentication response.
        using_password: bool,
    },
    /// ER_ACCOUNT_HAS_BEEN_LOCKED (3118, HY000): the password was right but the account is locked.
    #[error(
        "Access denied for user '{}'@'{}'. Account is locked.",
        trunc(user, 48),
        trunc(host, 64)
    )]
    AccountLocked {
        /// The user name the client sent.
        user: String,
        /// The client's host as MySQL reports it.
        host: String,
    },
    /// ER_USER_ACCESS_DENIED_FOR_USER_ACCOUNT_BLOCKED_BY_PASSWORD_LOCK (3955, HY000): too many
    /// consecutive failed logins (FAILED_LOGIN_ATTEMPTS) block the account for
    /// PASSWORD_LOCK_TIME days, whatever the password.
    #[error(
        "Access denied for user '{}'@'{}'. Account is blocked for {days} day(s) ({remaining} day(s) remaining) due to {attempts} consecutive failed logins.",
        trunc(user, 48),
        trunc(host, 64)
    )]
    AccountBlocked {
        /// The account's user name.
        user: String,
        /// The client's host.
        host: String,
        /// PASSWORD_LOCK_TIME in days, or `unlimited`.
        days: String,
        /// Days left, or `unlimited`.
        remaining: String,
        /// FAILED_LOGIN_ATTEMPTS.
        attempts: u32,
    },
    /// ER_MUST_CHANGE_PASSWORD_LOGIN (1862, HY000): the password has expired and the client
    /// cannot handle a session that must change it first.
    #[error(
        "Your password has expired. To log in you must change it using a client that supports expired passwords."
    )]
    PasswordExpired,
    /// ER_SECURE_TRANSPORT_REQUIRED (3159, HY000): a plain connection while
    /// `require_secure_transport` is ON.
    #[error(
        "Connections using insecure transport are prohibited while --require_secure_transport=ON."
    )]
    InsecureTransport,
    /// ER_USER_LIMIT_REACHED (1226, 42000): an account at one of its limits
    /// (MAX_USER_CONNECTIONS, or a per-hour one).
    #[error("User '{user}' has exceeded the '{resource}' resource (current value: {value})")]
    UserLimitReached {
        /// The account's user name.
        user: String,
        /// `max_user_connections`, `max_connections_per_hour`, `max_questions` or
        /// `max_updates`.
        resource: &'static str,
        /// The limit.
        value: u32,
    },
    /// ER_CANNOT_USER (1396, HY000): `CREATE USER` of an existing account, `DROP USER` /
    /// `ALTER USER` of a missing one.
    #[error("Operation {operation} failed for {}", trunc(&format!("'{user}'@'{host}'"), 256))]
    OperationFailed {
        /// The statement, as MySQL names it: `CREATE USER`, `DROP USER`, `ALTER USER`.
        operation: &'static str,
        /// The account's user part.
        user: String,
        /// The account's host part.
        host: String,
    },
    /// ER_HANDSHAKE_ERROR (1043, 08S01): the client sent something the exchange did not expect.
    /// The detail is for logs only; the client sees "Bad handshake".
    #[error("Bad handshake")]
    Malformed(&'static str),
    /// The RSA key pair of `caching_sha2_password` could not be loaded or generated (a startup
    /// error, never sent to clients; reported as ER_UNKNOWN_ERROR 1105, HY000). The text names
    /// the file concerned.
    #[error("caching_sha2_password RSA key pair: {0}")]
    RsaKey(String),
}

impl AuthError {
    /// MySQL's error number.
    pub fn code(&self) -> u16 {
        match self {
            AuthError::AccessDenied { .. } => 1045,
            AuthError::AccountLocked { .. } => 3118,
            AuthError::AccountBlocked { .. } => 3955,
            AuthError::PasswordExpired => 1862,
            AuthError::InsecureTransport => 3159,
            AuthError::OperationFailed { .. } => 1396,
            AuthError::UserLimitReached { .. } => 1226,
            AuthError::Malformed(_) => 1043,
            AuthError::RsaKey(_) => 1105,
        }
    }

    /// MySQL's SQLSTATE for the error.
    pub fn sql_state(&self) -> &'static str {
        match self {
            AuthError::AccessDenied { .. } => "28000",
            AuthError::UserLimitReached { .. } => "42000",
            AuthError::AccountLocked { .. }
            | AuthError::AccountBlocked { .. }
            | AuthError::PasswordExpired
            | AuthError::InsecureTransport
            | AuthError::OperationFailed { .. }
            | AuthError::RsaKey(_) => "HY000",
            AuthError::Malformed(_) => "08S01",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn access_denied_renders_like_mysql() {
        let e = AuthError::AccessDenied {
            user: "u".into(),
            host: "127.0.0.1".into(),
            using_password: true,
        };
        assert_eq!(
            e.to_string(),
            "Access denied for user 'u'@'127.0.0.1' (using password: YES)"
        );
        assert_eq!((e.code(), e.sql_state()), (1045, "28000"));
        let e = AuthError::AccessDenied {
            user: "u".into(),
            host: "::1".into(),
            using_password: false,
        };
        assert_eq!(
            e.to_string(),
            "Access denied for user 'u'@'::1' (using password: NO)"
        );
    }

    #[test]
    fn account_locked_renders_like_mysql() {
        let e = AuthError::AccountLocked {
            user: "u".into(),
            host: "h".into(),
        };
        assert_eq!(
            e.to_string(),
            "Access denied for user 'u'@'h'. Account is locked."
        );
        assert_eq!((e.code(), e.sql_state()), (3118, "HY000"));
    }

    #[test]
    fn operation_failed_renders_like_mysql() {
        let e = AuthError::OperationFailed {
            operation: "CREATE USER",
            user: "u".into(),
            host: "%".into(),
        };
        assert_eq!(e.to_string(), "Operation CREATE USER failed for 'u'@'%'");
        assert_eq!((e.code(), e.sql_state()), (1396, "HY000"));
    }

    #[test]
    fn malformed_renders_as_bad_handshake() {
        let e = AuthError::Malformed("detail");
        assert_eq!(e.to_string(), "Bad handshake");
        assert_eq!((e.code(), e.sql_state()), (1043, "08S01"));
    }

    #[test]
    fn long_user_names_are_truncated_like_mysql() {
        let e = AuthError::AccessDenied {
            user: "x".repeat(60),
            host: "h".into(),
            using_password: false,
        };
        assert!(e.to_string().contains(&format!("'{}'@", "x".repeat(48))));
    }
}
