//! Account names in statements (`'user'@'host'`, CURRENT_USER) and how MySQL prints them:
//! shared by the account, grant and role statements (`account.rs`, `grant.rs`, `role.rs`).

use crate::error::EngineError;
use crate::{Column, ColumnKind, Session};

/// Longest user name MySQL accepts (`USERNAME_CHAR_LENGTH`).
const MAX_USER_LEN: usize = 32;
/// Longest host name MySQL accepts (`HOSTNAME_LENGTH`).
const MAX_HOST_LEN: usize = 255;

/// An account named in a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum UserRef {
    /// `'user'@'host'`, `user@host`, `` `user`@`host` `` or `'user'` (host `%`).
    Named { user: String, host: String },
    /// `CURRENT_USER`, `CURRENT_USER()` or (in `ALTER USER`) `USER()`: the session's account.
    Current,
}

/// `'text'` with MySQL's string escapes (`escape_string_for_mysql`), as `SHOW CREATE USER` and
/// error messages quote values.
pub(crate) fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\u{1a}' => out.push_str("\\Z"),
            other => out.push(other),
        }
    }
    out.push('\'');
    out
}

/// `'user'@'host'` as MySQL's messages print accounts.
pub(crate) fn account_text(user: &str, host: &str) -> String {
    format!("{}@{}", quote_string(user), quote_string(host))
}

/// A text column of SHOW CREATE USER / SHOW GRANTS.
pub(crate) fn text_column(name: String, chars: u32) -> Column {
    Column {
        org_name: String::new(),
        name,
        table: String::new(),
        org_table: String::new(),
        schema: String::new(),
        kind: ColumnKind::VarString,
        length: chars * 4,
        decimals: 31,
        nullable: false,
        unsigned: false,
        binary: false,
        meta: None,
    }
}

/// (user, host) of a reference: the session's account for CURRENT_USER, the host lower-cased
/// (MySQL compares host names case-insensitively), and MySQL's length limits checked.
pub(crate) fn resolve(session: &Session, user: &UserRef) -> Result<(String, String), EngineError> {
    match user {
        UserRef::Current => Ok((
            session.info.user.clone(),
            session.info.account_host.to_lowercase(),
        )),
        UserRef::Named { user, host } => {
            if user.chars().count() > MAX_USER_LEN {
                return Err(EngineError::wrong_string_length(
                    user,
                    "user name",
                    MAX_USER_LEN,
                ));
            }
            if host.chars().count() > MAX_HOST_LEN {
                return Err(EngineError::wrong_string_length(
                    host,
                    "host name",
                    MAX_HOST_LEN,
                ));
            }
            Ok((user.clone(), host.to_lowercase()))
        }
    }
}
