//! Account management: CREATE / ALTER / DROP / RENAME USER, SET PASSWORD, FLUSH PRIVILEGES,
//! SHOW CREATE USER, SHOW GRANTS, GRANT and REVOKE, acting on the server's shared
//! [`AccountStore`](myseal_auth::account::AccountStore).
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/account-management-statements.html>
//!
//! sqlparser does not parse these statements the way MySQL does (`u@localhost`, `REQUIRE`,
//! `IDENTIFIED WITH .. AS`), so [`parse`] has its own small lexer over the statement's text.
//! Like MySQL 8.4, every statement is atomic: all named accounts are checked before any changes,
//! and one ER_CANNOT_USER (1396) lists every account that failed.
//!
//! GRANT, REVOKE and SHOW GRANTS are parsed here and run in `exec/grant.rs`. Account
//! statements check the session's privileges as MySQL does: CREATE USER for creating, dropping,
//! renaming and altering other accounts (1227), SELECT on the `mysql` schema for SHOW CREATE
//! USER of another account (1044; without it the session's own hash prints as `<secret>`),
//! RELOAD or FLUSH_PRIVILEGES for FLUSH PRIVILEGES.
//!
//! Passwords never reach logs: [`Secret`] prints as `<secret>` in `Debug` output.

use std::collections::HashSet;
use std::fmt;

use myseal_auth::account::{
    Account, AuthPlugin, PasswordLifetime, PasswordLockTime, SslRequirement,
};
use myseal_auth::caching_sha2;

use crate::error::EngineError;
use crate::exec::grant::{GrantLevel, PrivSpec};
pub(crate) use crate::exec::names::{UserRef, account_text, quote_string, resolve, text_column};
use crate::exec::role::{self, RoleSpec};
use crate::exec::{grant, ok};
use crate::privilege::{self, Privs};
use crate::{Engine, Outcome, Session, Value, Warning};

/// What SHOW CREATE USER prints instead of a hash the session may not read.
const SECRET_HASH: &str = "<secret>";

/// A password or password hash taken from a statement; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<secret>")
    }
}

/// `IDENTIFIED ...` of CREATE / ALTER USER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AuthOption {
    /// `IDENTIFIED BY 'password'` (the account's plugin, or the default one).
    By(Secret),
    /// `IDENTIFIED WITH plugin [BY 'password']`.
    With { plugin: String, by: Option<Secret> },
    /// `IDENTIFIED WITH plugin AS 'hash'`.
    WithAs { plugin: String, hash: Secret },
}

/// The accounts of CREATE / ALTER USER, each with its IDENTIFIED clause if any.
type UserAuthList = Vec<(UserRef, Option<AuthOption>)>;

/// The statement-wide options of CREATE / ALTER USER.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct UserOptions {
    /// `REQUIRE ...`, if given.
    require: Option<SslRequirement>,
    /// `ACCOUNT LOCK` (true) / `ACCOUNT UNLOCK` (false), if given.
    lock: Option<bool>,
    /// `PASSWORD EXPIRE` (expire now).
    expire: bool,
    /// `PASSWORD EXPIRE {DEFAULT | NEVER | INTERVAL n DAY}`, if given.
    lifetime: Option<PasswordLifetime>,
    /// `PASSWORD REQUIRE CURRENT [DEFAULT | OPTIONAL]`, if given.
    require_current: Option<Option<bool>>,
    /// `FAILED_LOGIN_ATTEMPTS n`, if given.
    failed_login_attempts: Option<u32>,
    /// `PASSWORD_LOCK_TIME {n | UNBOUNDED}`, if given.
    password_lock_time: Option<PasswordLockTime>,
    /// `WITH MAX_USER_CONNECTIONS n`, if given.
    max_user_connections: Option<u32>,
    /// `WITH MAX_QUERIES_PER_HOUR n`, if given.
    max_queries_per_hour: Option<u32>,
    /// `WITH MAX_UPDATES_PER_HOUR n`, if given.
    max_updates_per_hour: Option<u32>,
    /// `WITH MAX_CONNECTIONS_PER_HOUR n`, if given.
    max_connections_per_hour: Option<u32>,
}

impl UserOptions {
    /// Applies the options given to an account.
    fn apply(&self, acc: &mut Account) {
        if let Some(require) = &self.require {
            acc.require = require.clone();
        }
        if let Some(lock) = self.lock {
            acc.locked = lock;
        }
        if self.expire {
            acc.password_expired = true;
        }
        if let Some(l) = self.lifetime {
            acc.password_lifetime = l;
        }
        if let Some(r) = self.require_current {
            acc.password_require_current = r;
        }
        if let Some(n) = self.failed_login_attempts {
            acc.failed_login_attempts = n;
        }
        if let Some(t) = self.password_lock_time {
            acc.password_lock_time = t;
        }
        if let Some(n) = self.max_user_connections {
            acc.max_user_connections = n;
        }
        if let Some(n) = self.max_queries_per_hour {
            acc.hourly_limits.queries = n;
        }
        if let Some(n) = self.max_updates_per_hour {
            acc.hourly_limits.updates = n;
        }
        if let Some(n) = self.max_connections_per_hour {
            acc.hourly_limits.connections = n;
        }
    }

    /// True when a resource limit is given: the account's per-hour counts then start again
    /// (MySQL's `reset_mqh`).
    fn sets_resources(&self) -> bool {
        self.max_user_connections.is_some()
            || self.max_queries_per_hour.is_some()
            || self.max_updates_per_hour.is_some()
            || self.max_connections_per_hour.is_some()
    }

    /// True when the options reset an account's count of failed logins (`ACCOUNT UNLOCK`, a
    /// new FAILED_LOGIN_ATTEMPTS or PASSWORD_LOCK_TIME).
    fn resets_failed_logins(&self) -> bool {
        self.lock == Some(false)
            || self.failed_login_attempts.is_some()
            || self.password_lock_time.is_some()
    }

    /// True when the options are only about the password's expiry (what an account may ask
    /// for itself besides a new password).
    fn is_empty(&self) -> bool {
        *self == UserOptions::default()
    }
}

/// Largest FAILED_LOGIN_ATTEMPTS and PASSWORD_LOCK_TIME MySQL accepts.
const MAX_LOGIN_POLICY: u64 = 32767;

/// A parsed account-management statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AccountStmt {
    CreateUser {
        if_not_exists: bool,
        users: Vec<(UserRef, Option<AuthOption>)>,
        options: UserOptions,
    },
    AlterUser {
        if_exists: bool,
        users: Vec<(UserRef, Option<AuthOption>)>,
        /// `REPLACE 'current password'` per user.
        replaces: Vec<Option<Secret>>,
        options: UserOptions,
    },
    DropUser {
        if_exists: bool,
        users: Vec<UserRef>,
    },
    RenameUser(Vec<(UserRef, UserRef)>),
    SetPassword {
        user: Option<UserRef>,
        password: Secret,
        /// `REPLACE 'current password'`.
        replace: Option<Secret>,
    },
    FlushPrivileges,
    ShowCreateUser(UserRef),
    /// `SHOW GRANTS [FOR user [USING role, ...]]`.
    ShowGrants {
        user: Option<UserRef>,
        using: Vec<UserRef>,
    },
    CreateRole {
        if_not_exists: bool,
        roles: Vec<UserRef>,
    },
    DropRole {
        if_exists: bool,
        roles: Vec<UserRef>,
    },
    /// `GRANT role, ... TO user, ... [WITH ADMIN OPTION]`.
    GrantRoles {
        roles: Vec<UserRef>,
        users: Vec<UserRef>,
        admin: bool,
    },
    /// `REVOKE role, ... FROM user, ...`.
    RevokeRoles {
        roles: Vec<UserRef>,
        users: Vec<UserRef>,
    },
    SetRole(RoleSpec),
    SetDefaultRole {
        spec: RoleSpec,
        users: Vec<UserRef>,
    },
    /// `GRANT privileges ON level TO users [WITH GRANT OPTION]`.
    Grant {
        privs: Vec<PrivSpec>,
        level: GrantLevel,
        users: Vec<UserRef>,
        grant_option: bool,
    },
    /// `REVOKE [IF EXISTS] privileges ON level FROM users [IGNORE UNKNOWN USER]`.
    Revoke {
        if_exists: bool,
        privs: Vec<PrivSpec>,
        level: GrantLevel,
        users: Vec<UserRef>,
        ignore_unknown_user: bool,
    },
    /// `REVOKE [IF EXISTS] ALL [PRIVILEGES], GRANT OPTION FROM users [IGNORE UNKNOWN USER]`.
    RevokeAll {
        users: Vec<UserRef>,
        ignore_unknown_user: bool,
    },
    /// Recognised but not supported: ER_NOT_SUPPORTED_YET with this text.
    Unsupported(String),
}

/// Whether a statement starting with these (upper-cased) words is one of ours.
pub(crate) fn is_account_statement(words: &[&str]) -> bool {
    matches!(
        words,
        ["CREATE" | "ALTER" | "DROP" | "RENAME", "USER", ..]
            | ["CREATE" | "DROP", "ROLE", ..]
            | ["SET", "ROLE", ..]
            | ["SET", "DEFAULT", "ROLE"]
            | ["SET", "PASSWORD", ..]
            | ["FLUSH", "PRIVILEGES", ..]
            | ["FLUSH", "LOCAL" | "NO_WRITE_TO_BINLOG", "PRIVILEGES", ..]
            | ["SHOW", "CREATE", "USER", ..]
            | ["SHOW", "GRANTS", ..]
            | ["GRANT" | "REVOKE", ..]
    )
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// Unquoted word (keyword, name, number).
    Word(String),
    /// `` `quoted identifier` ``.
    Ident(String),
    /// `'string'` or `"string"`.
    Str(Vec<u8>),
    /// `0x41` / `X'41'`.
    Hex(Vec<u8>),
    At,
    Comma,
    Eq,
    Dot,
    Star,
    LParen,
    RParen,
    Other(char),
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn decode_hex(digits: &str) -> Option<Vec<u8>> {
    let bytes = digits.as_bytes();
    // MySQL pads an odd number of digits with a leading zero.
    let padded: Vec<u8> = if bytes.len() % 2 == 1 {
        std::iter::once(b'0').chain(bytes.iter().copied()).collect()
    } else {
        bytes.to_vec()
    };
    padded
        .chunks(2)
        .map(|p| match p {
            [a, b] => Some(hex_value(*a)? << 4 | hex_value(*b)?),
            _ => None,
        })
        .collect()
}

/// Tokens with their byte offsets. Errors carry the offset of the bad input.
fn lex(text: &str) -> Result<Vec<(usize, Tok)>, usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let off = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = at(i) {
        let start = off(i);
        match c {
            c if c.is_whitespace() => i += 1,
            '#' => {
                while at(i).is_some_and(|c| c != '\n') {
                    i += 1;
                }
            }
            '-' if at(i + 1) == Some('-')
                && at(i + 2).is_none_or(|c| c.is_whitespace() || c.is_control()) =>
            {
                while at(i).is_some_and(|c| c != '\n') {
                    i += 1;
                }
            }
            '/' if at(i + 1) == Some('*') => {
                i += 2;
                loop {
                    match at(i) {
                        None => return Err(start),
                        Some('*') if at(i + 1) == Some('/') => {
                            i += 2;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            '\'' | '"' => {
                let quote = c;
                let mut s = String::new();
                i += 1;
                loop {
                    match at(i) {
                        None => return Err(start),
                        Some(q) if q == quote => {
                            if at(i + 1) == Some(quote) {
                                s.push(quote);
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some('\\') => {
                            let Some(e) = at(i + 1) else {
                                return Err(start);
                            };
                            match e {
                                '0' => s.push('\0'),
                                'n' => s.push('\n'),
                                'r' => s.push('\r'),
                                't' => s.push('\t'),
                                'b' => s.push('\u{8}'),
                                'Z' => s.push('\u{1a}'),
                                '%' | '_' => {
                                    s.push('\\');
                                    s.push(e);
                                }
                                other => s.push(other),
                            }
                            i += 2;
                        }
                        Some(other) => {
                            s.push(other);
                            i += 1;
                        }
                    }
                }
                out.push((start, Tok::Str(s.into_bytes())));
            }
            '`' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match at(i) {
                        None => return Err(start),
                        Some('`') if at(i + 1) == Some('`') => {
                            s.push('`');
                            i += 2;
                        }
                        Some('`') => {
                            i += 1;
                            break;
                        }
                        Some(other) => {
                            s.push(other);
                            i += 1;
                        }
                    }
                }
                out.push((start, Tok::Ident(s)));
            }
            '@' => {
                out.push((start, Tok::At));
                i += 1;
                // MySQL lexes an unquoted host name after '@' with '.' allowed (`u@127.0.0.1`).
                if at(i).is_some_and(is_word_char) {
                    let from = off(i);
                    while at(i).is_some_and(|c| is_word_char(c) || c == '.') {
                        i += 1;
                    }
                    out.push((from, Tok::Word(text.get(from..off(i)).unwrap_or("").into())));
                }
            }
            c if is_word_char(c) => {
                while at(i).is_some_and(is_word_char) {
                    i += 1;
                }
                let word = text.get(start..off(i)).unwrap_or("");
                if (word == "x" || word == "X") && at(i) == Some('\'') {
                    // X'hex'
                    let from = i + 1;
                    let mut j = from;
                    while at(j).is_some_and(|c| c != '\'') {
                        j += 1;
                    }
                    if at(j).is_none() {
                        return Err(start);
                    }
                    let digits = text.get(off(from)..off(j)).unwrap_or("");
                    let bytes = decode_hex(digits)
                        .filter(|_| digits.len() % 2 == 0)
                        .ok_or(start)?;
                    out.push((start, Tok::Hex(bytes)));
                    i = j + 1;
                } else if let Some(digits) = word.strip_prefix("0x") {
                    match decode_hex(digits).filter(|_| !digits.is_empty()) {
                        Some(bytes) => out.push((start, Tok::Hex(bytes))),
                        None => out.push((start, Tok::Word(word.into()))),
                    }
                } else {
                    out.push((start, Tok::Word(word.into())));
                }
            }
            _ => {
                let tok = match c {
                    ',' => Tok::Comma,
                    '=' => Tok::Eq,
                    '.' => Tok::Dot,
                    '*' => Tok::Star,
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ':' if at(i + 1) == Some('=') => {
                        i += 1;
                        Tok::Eq
                    }
                    other => Tok::Other(other),
                };
                out.push((start, tok));
                i += 1;
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser

/// Why a statement did not parse into something runnable.
enum Fail {
    /// ER_PARSE_ERROR at this byte offset of the statement.
    Syntax(usize),
    /// Valid MySQL that myseal does not support (ER_NOT_SUPPORTED_YET with this text).
    Unsupported(String),
    /// Another error MySQL raises while parsing (e.g. ER_DUP_ARGUMENT).
    Error(EngineError),
}

type PResult<T> = Result<T, Fail>;

fn unsupported<T>(what: &str) -> PResult<T> {
    Err(Fail::Unsupported(what.to_string()))
}

struct P {
    toks: Vec<(usize, Tok)>,
    i: usize,
    end: usize,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.peek_n(0)
    }

    fn peek_n(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.i + n).map(|(_, t)| t)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(self.end, |(o, _)| *o)
    }

    fn syntax<T>(&self) -> PResult<T> {
        Err(Fail::Syntax(self.pos()))
    }

    fn at_end(&self) -> bool {
        self.i >= self.toks.len()
    }

    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(self.peek_n(n), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn kw(&mut self, kw: &str) -> bool {
        if self.is_kw_at(0, kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Consumes all of `kws` or nothing.
    fn kws(&mut self, kws: &[&str]) -> bool {
        if kws.iter().enumerate().all(|(n, k)| self.is_kw_at(n, k)) {
            self.i += kws.len();
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.kw(kw) { Ok(()) } else { self.syntax() }
    }

    fn tok(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Tok) -> PResult<()> {
        if self.tok(t) { Ok(()) } else { self.syntax() }
    }

    /// A string literal.
    fn string(&mut self) -> PResult<Vec<u8>> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.i += 1;
                Ok(s)
            }
            _ => self.syntax(),
        }
    }

    /// A string literal that must be text (TLS option values).
    fn text(&mut self) -> PResult<String> {
        let at = self.pos();
        String::from_utf8(self.string()?).map_err(|_| Fail::Syntax(at))
    }

    /// An identifier or string: user and host parts, plugin names.
    fn name(&mut self) -> PResult<String> {
        let at = self.pos();
        let s = match self.peek() {
            Some(Tok::Word(w)) | Some(Tok::Ident(w)) => w.clone(),
            Some(Tok::Str(s)) => String::from_utf8(s.clone()).map_err(|_| Fail::Syntax(at))?,
            _ => return self.syntax(),
        };
        self.i += 1;
        Ok(s)
    }

    fn number(&mut self) -> PResult<u64> {
        match self.peek() {
            Some(Tok::Word(w)) => match w.parse() {
                Ok(n) => {
                    self.i += 1;
                    Ok(n)
                }
                Err(_) => self.syntax(),
            },
            _ => self.syntax(),
        }
    }

    /// `CURRENT_USER[()]`, `USER()` (if `allow_user_fn`), or `name[@host]`.
    fn user(&mut self, allow_user_fn: bool) -> PResult<UserRef> {
        let followed_by_parens = matches!(self.peek_n(1), Some(Tok::LParen))
            && matches!(self.peek_n(2), Some(Tok::RParen));
        if self.is_kw_at(0, "CURRENT_USER") && !matches!(self.peek_n(1), Some(Tok::At)) {
            self.i += if followed_by_parens { 3 } else { 1 };
            return Ok(UserRef::Current);
        }
        if allow_user_fn && self.is_kw_at(0, "USER") && followed_by_parens {
            self.i += 3;
            return Ok(UserRef::Current);
        }
        let user = self.name()?;
        let host = if self.tok(&Tok::At) {
            self.name()?
        } else {
            "%".to_string()
        };
        Ok(UserRef::Named { user, host })
    }

    fn user_list(&mut self) -> PResult<Vec<UserRef>> {
        let mut users = vec![self.user(false)?];
        while self.tok(&Tok::Comma) {
            users.push(self.user(false)?);
        }
        Ok(users)
    }

    fn secret(&mut self) -> PResult<Secret> {
        if self.kws(&["RANDOM", "PASSWORD"]) {
            return unsupported("IDENTIFIED BY RANDOM PASSWORD");
        }
        Ok(Secret(self.string()?))
    }

    /// `[IDENTIFIED ...]` after a user name.
    fn auth_option(&mut self) -> PResult<Option<AuthOption>> {
        if !self.kw("IDENTIFIED") {
            return Ok(None);
        }
        let opt = if self.kw("BY") {
            AuthOption::By(self.secret()?)
        } else if self.kw("WITH") {
            let plugin = self.name()?;
            if self.kw("BY") {
                AuthOption::With {
                    plugin,
                    by: Some(self.secret()?),
                }
            } else if self.kw("AS") {
                let hash = match self.peek() {
                    Some(Tok::Str(s)) | Some(Tok::Hex(s)) => s.clone(),
                    _ => return self.syntax(),
                };
                self.i += 1;
                AuthOption::WithAs {
                    plugin,
                    hash: Secret(hash),
                }
            } else if self.is_kw_at(0, "INITIAL") {
                return unsupported("INITIAL AUTHENTICATION");
            } else {
                AuthOption::With { plugin, by: None }
            }
        } else {
            return self.syntax();
        };
        if self.is_kw_at(0, "RETAIN") {
            return unsupported("RETAIN CURRENT PASSWORD");
        }
        if self.is_kw_at(0, "AND") && self.is_kw_at(1, "IDENTIFIED") {
            return unsupported("multifactor authentication");
        }
        Ok(Some(opt))
    }

    /// `user [auth_option [REPLACE 'current']], ...`; the REPLACE of each user (None when not
    /// given) comes in the second list.
    fn user_auth_list(
        &mut self,
        allow_user_fn: bool,
    ) -> PResult<(UserAuthList, Vec<Option<Secret>>)> {
        let mut users = Vec::new();
        let mut replaces = Vec::new();
        loop {
            let user = self.user(allow_user_fn)?;
            let auth = self.auth_option()?;
            let by_password = matches!(
                auth,
                Some(AuthOption::By(_)) | Some(AuthOption::With { by: Some(_), .. })
            );
            let replace = if by_password && self.kw("REPLACE") {
                Some(Secret(self.string()?))
            } else {
                None
            };
            users.push((user, auth));
            replaces.push(replace);
            if !self.tok(&Tok::Comma) {
                return Ok((users, replaces));
            }
        }
    }

    /// `REQUIRE {NONE | SSL | X509 | {CIPHER | ISSUER | SUBJECT} 'str' [[AND] ...]}`, as in
    /// MySQL's grammar (SSL and X509 stand alone).
    fn require(&mut self) -> PResult<SslRequirement> {
        if self.kw("NONE") {
            return Ok(SslRequirement::None);
        }
        if self.kw("SSL") {
            return Ok(SslRequirement::Ssl);
        }
        if self.kw("X509") {
            return Ok(SslRequirement::X509);
        }
        let (mut cipher, mut issuer, mut subject) = (None, None, None);
        let mut first = true;
        loop {
            let slot = if self.is_kw_at(0, "CIPHER") {
                (&mut cipher, "CIPHER")
            } else if self.is_kw_at(0, "ISSUER") {
                (&mut issuer, "ISSUER")
            } else if self.is_kw_at(0, "SUBJECT") {
                (&mut subject, "SUBJECT")
            } else if first {
                return self.syntax();
            } else {
                break;
            };
            self.i += 1;
            let value = self.text()?;
            if slot.0.is_some() {
                return Err(Fail::Error(EngineError::dup_argument(slot.1)));
            }
            *slot.0 = Some(value);
            first = false;
            if self.is_kw_at(0, "AND")
                && ["CIPHER", "ISSUER", "SUBJECT"]
                    .iter()
                    .any(|k| self.is_kw_at(1, k))
            {
                self.i += 1;
            }
        }
        Ok(SslRequirement::Specified {
            cipher,
            issuer,
            subject,
        })
    }

    /// The options after the user list of CREATE / ALTER USER. Options whose value is MySQL's
    /// default (as `SHOW CREATE USER` prints them) are accepted; others are not supported.
    fn user_options(&mut self) -> PResult<UserOptions> {
        let mut options = UserOptions::default();
        while !self.at_end() {
            if self.kw("REQUIRE") {
                options.require = Some(self.require()?);
            } else if self.kw("ACCOUNT") {
                if self.kw("LOCK") {
                    options.lock = Some(true);
                } else if self.kw("UNLOCK") {
                    options.lock = Some(false);
                } else {
                    return self.syntax();
                }
            } else if self.kw("WITH") {
                let mut any = false;
                while [
                    "MAX_QUERIES_PER_HOUR",
                    "MAX_UPDATES_PER_HOUR",
                    "MAX_CONNECTIONS_PER_HOUR",
                    "MAX_USER_CONNECTIONS",
                ]
                .iter()
                .any(|k| self.is_kw_at(0, k))
                {
                    let slot = if self.is_kw_at(0, "MAX_USER_CONNECTIONS") {
                        &mut options.max_user_connections
                    } else if self.is_kw_at(0, "MAX_QUERIES_PER_HOUR") {
                        &mut options.max_queries_per_hour
                    } else if self.is_kw_at(0, "MAX_UPDATES_PER_HOUR") {
                        &mut options.max_updates_per_hour
                    } else {
                        &mut options.max_connections_per_hour
                    };
                    self.i += 1;
                    let n = self.number()?;
                    *slot = Some(u32::try_from(n).unwrap_or(u32::MAX));
                    any = true;
                }
                if !any {
                    return self.syntax();
                }
            } else if self.kw("PASSWORD") {
                let default = |p: &mut P| {
                    if p.kw("DEFAULT") {
                        Ok(())
                    } else {
                        unsupported("password management options other than DEFAULT")
                    }
                };
                if self.kw("EXPIRE") {
                    // A bare `PASSWORD EXPIRE` expires the password now; the others set how
                    // long a password lasts.
                    if self.kw("INTERVAL") {
                        let n = self.number()?;
                        if !(1..=u64::from(u16::MAX)).contains(&n) {
                            return Err(Fail::Error(EngineError::new(
                                1525,
                                "HY000",
                                format!("Incorrect DAY value: '{n}'"),
                            )));
                        }
                        if !self.kw("DAY") {
                            return self.syntax();
                        }
                        options.lifetime =
                            Some(PasswordLifetime::Days(u16::try_from(n).unwrap_or(u16::MAX)));
                    } else if self.kw("DEFAULT") {
                        options.lifetime = Some(PasswordLifetime::Default);
                    } else if self.kw("NEVER") {
                        options.lifetime = Some(PasswordLifetime::Never);
                    } else {
                        options.expire = true;
                    }
                } else if self.kws(&["REQUIRE", "CURRENT"]) {
                    options.require_current = Some(if self.kw("DEFAULT") {
                        None
                    } else if self.kw("OPTIONAL") {
                        Some(false)
                    } else {
                        Some(true)
                    });
                } else if self.kw("HISTORY") || self.kws(&["REUSE", "INTERVAL"]) {
                    default(self)?;
                } else {
                    return self.syntax();
                }
            } else if self.kw("FAILED_LOGIN_ATTEMPTS") {
                let at = self.pos();
                let n = self.number()?;
                if n > MAX_LOGIN_POLICY {
                    return Err(Fail::Syntax(at));
                }
                options.failed_login_attempts = Some(u32::try_from(n).unwrap_or(0));
            } else if self.kw("PASSWORD_LOCK_TIME") {
                if self.kw("UNBOUNDED") {
                    options.password_lock_time = Some(PasswordLockTime::Unbounded);
                } else {
                    let at = self.pos();
                    let n = self.number()?;
                    if n > MAX_LOGIN_POLICY {
                        return Err(Fail::Syntax(at));
                    }
                    options.password_lock_time =
                        Some(PasswordLockTime::Days(u32::try_from(n).unwrap_or(0)));
                }
            } else if self.is_kw_at(0, "DEFAULT") && self.is_kw_at(1, "ROLE") {
                return unsupported("DEFAULT ROLE");
            } else if self.is_kw_at(0, "COMMENT") || self.is_kw_at(0, "ATTRIBUTE") {
                return unsupported("user COMMENT / ATTRIBUTE");
            } else {
                return self.syntax();
            }
        }
        Ok(options)
    }

    fn statement(&mut self) -> PResult<AccountStmt> {
        if self.kws(&["CREATE", "ROLE"]) {
            let if_not_exists = self.kws(&["IF", "NOT", "EXISTS"]);
            let roles = self.user_list()?;
            return Ok(AccountStmt::CreateRole {
                if_not_exists,
                roles,
            });
        }
        if self.kws(&["DROP", "ROLE"]) {
            let if_exists = self.kws(&["IF", "EXISTS"]);
            let roles = self.user_list()?;
            return Ok(AccountStmt::DropRole { if_exists, roles });
        }
        if self.kws(&["SET", "ROLE"]) {
            return Ok(AccountStmt::SetRole(self.role_spec(true)?));
        }
        if self.kws(&["SET", "DEFAULT", "ROLE"]) {
            let spec = self.role_spec(false)?;
            self.expect_kw("TO")?;
            let users = self.user_list()?;
            return Ok(AccountStmt::SetDefaultRole { spec, users });
        }
        if self.kws(&["CREATE", "USER"]) {
            let if_not_exists = self.kws(&["IF", "NOT", "EXISTS"]);
            let at = self.pos();
            let (users, replaces) = self.user_auth_list(false)?;
            if replaces.iter().any(Option::is_some) {
                // REPLACE belongs to ALTER USER and SET PASSWORD only.
                return Err(Fail::Syntax(at));
            }
            let options = self.user_options()?;
            return Ok(AccountStmt::CreateUser {
                if_not_exists,
                users,
                options,
            });
        }
        if self.kws(&["ALTER", "USER"]) {
            let if_exists = self.kws(&["IF", "EXISTS"]);
            let (users, replaces) = self.user_auth_list(true)?;
            if users.iter().all(|(_, a)| a.is_none()) && self.kws(&["DEFAULT", "ROLE"]) {
                let spec = self.role_spec(false)?;
                let users = users.into_iter().map(|(u, _)| u).collect();
                return Ok(AccountStmt::SetDefaultRole { spec, users });
            }
            let options = self.user_options()?;
            return Ok(AccountStmt::AlterUser {
                if_exists,
                users,
                replaces,
                options,
            });
        }
        if self.kws(&["DROP", "USER"]) {
            let if_exists = self.kws(&["IF", "EXISTS"]);
            let users = self.user_list()?;
            return Ok(AccountStmt::DropUser { if_exists, users });
        }
        if self.kws(&["RENAME", "USER"]) {
            let mut pairs = Vec::new();
            loop {
                let from = self.user(false)?;
                self.expect_kw("TO")?;
                let to = self.user(false)?;
                pairs.push((from, to));
                if !self.tok(&Tok::Comma) {
                    break;
                }
            }
            return Ok(AccountStmt::RenameUser(pairs));
        }
        if self.kws(&["SET", "PASSWORD"]) {
            let user = if self.kw("FOR") {
                Some(self.user(false)?)
            } else {
                None
            };
            if self.kws(&["TO", "RANDOM"]) {
                return unsupported("SET PASSWORD TO RANDOM");
            }
            self.expect(&Tok::Eq)?;
            let password = Secret(self.string()?);
            let replace = if self.kw("REPLACE") {
                Some(Secret(self.string()?))
            } else {
                None
            };
            if self.is_kw_at(0, "RETAIN") {
                return unsupported("RETAIN CURRENT PASSWORD");
            }
            return Ok(AccountStmt::SetPassword {
                user,
                password,
                replace,
            });
        }
        if self.kw("FLUSH") {
            let _ = self.kw("LOCAL") || self.kw("NO_WRITE_TO_BINLOG");
            self.expect_kw("PRIVILEGES")?;
            return Ok(AccountStmt::FlushPrivileges);
        }
        if self.kws(&["SHOW", "CREATE", "USER"]) {
            return Ok(AccountStmt::ShowCreateUser(self.user(false)?));
        }
        if self.kws(&["SHOW", "GRANTS"]) {
            let user = if self.kw("FOR") {
                Some(self.user(false)?)
            } else {
                None
            };
            let using = if user.is_some() && self.kw("USING") {
                self.user_list()?
            } else {
                Vec::new()
            };
            return Ok(AccountStmt::ShowGrants { user, using });
        }
        if self.kw("GRANT") {
            return self.grant();
        }
        if self.kw("REVOKE") {
            return self.revoke();
        }
        self.syntax()
    }

    /// The roles of SET ROLE (`with_default`: DEFAULT and ALL EXCEPT allowed) or SET DEFAULT
    /// ROLE.
    fn role_spec(&mut self, with_default: bool) -> PResult<RoleSpec> {
        if self.kw("NONE") {
            return Ok(RoleSpec::None);
        }
        if with_default && self.kw("DEFAULT") {
            return Ok(RoleSpec::Default);
        }
        if self.kw("ALL") {
            if with_default && self.kw("EXCEPT") {
                return Ok(RoleSpec::AllExcept(self.user_list()?));
            }
            return Ok(RoleSpec::All);
        }
        Ok(RoleSpec::List(self.user_list()?))
    }

    /// A privilege list: `priv [(col, ...)] [, ...]`.
    fn privileges(&mut self) -> PResult<Vec<PrivSpec>> {
        let mut out = Vec::new();
        loop {
            out.push(self.privilege()?);
            if !self.tok(&Tok::Comma) {
                return Ok(out);
            }
        }
    }

    fn privilege(&mut self) -> PResult<PrivSpec> {
        if self.kw("ALL") {
            let _ = self.kw("PRIVILEGES");
            return Ok(PrivSpec::All);
        }
        if self.kw("USAGE") {
            return Ok(PrivSpec::Usage);
        }
        if self.kws(&["GRANT", "OPTION"]) {
            return Ok(PrivSpec::GrantOption);
        }
        // Longest names first: CREATE TEMPORARY TABLES before CREATE.
        let mut names: Vec<(privilege::Privs, Vec<&str>)> = privilege::STATIC
            .iter()
            .map(|(p, n)| (*p, n.split(' ').collect()))
            .collect();
        names.sort_by_key(|(_, words)| std::cmp::Reverse(words.len()));
        for (p, words) in names {
            if self.kws(&words) {
                let mut cols = Vec::new();
                if self.tok(&Tok::LParen) {
                    loop {
                        cols.push(self.name()?);
                        if !self.tok(&Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(&Tok::RParen)?;
                }
                return Ok(PrivSpec::Static(p, cols));
            }
        }
        match self.peek() {
            Some(Tok::Word(w)) if !w.eq_ignore_ascii_case("ON") => {
                let w = w.clone();
                self.i += 1;
                Ok(PrivSpec::Dynamic(w))
            }
            _ => self.syntax(),
        }
    }

    /// `ON [TABLE] {*.* | db.* | * | db.t | t}`.
    fn grant_level(&mut self) -> PResult<GrantLevel> {
        self.expect_kw("ON")?;
        if self.is_kw_at(0, "FUNCTION") || self.is_kw_at(0, "PROCEDURE") {
            return unsupported("GRANT and REVOKE on stored routines");
        }
        let _ = self.kw("TABLE");
        if self.tok(&Tok::Star) {
            if self.tok(&Tok::Dot) {
                self.expect(&Tok::Star)?;
                return Ok(GrantLevel::Global);
            }
            return Ok(GrantLevel::CurrentDatabase);
        }
        let first = self.ident()?;
        if !self.tok(&Tok::Dot) {
            return Ok(GrantLevel::Table(None, first));
        }
        if self.tok(&Tok::Star) {
            return Ok(GrantLevel::Database(first));
        }
        Ok(GrantLevel::Table(Some(first), self.ident()?))
    }

    /// A database, table or column name: a word or a quoted identifier.
    fn ident(&mut self) -> PResult<String> {
        match self.peek() {
            Some(Tok::Word(w)) | Some(Tok::Ident(w)) => {
                let w = w.clone();
                self.i += 1;
                Ok(w)
            }
            _ => self.syntax(),
        }
    }

    /// True when the statement has no `ON` before `TO`/`FROM`: a role grant or revoke.
    fn is_role_statement(&self) -> bool {
        let mut depth = 0;
        for (_, t) in &self.toks[self.i..] {
            match t {
                Tok::LParen => depth += 1,
                Tok::RParen => depth -= 1,
                Tok::Word(w) if depth == 0 && w.eq_ignore_ascii_case("ON") => return false,
                Tok::Word(w)
                    if depth == 0
                        && (w.eq_ignore_ascii_case("TO") || w.eq_ignore_ascii_case("FROM")) =>
                {
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    /// After `GRANT`.
    fn grant(&mut self) -> PResult<AccountStmt> {
        if self.is_kw_at(0, "PROXY") {
            return unsupported("GRANT PROXY");
        }
        if self.is_role_statement() {
            let roles = self.user_list()?;
            self.expect_kw("TO")?;
            let users = self.user_list()?;
            let admin = self.kws(&["WITH", "ADMIN", "OPTION"]);
            return Ok(AccountStmt::GrantRoles {
                roles,
                users,
                admin,
            });
        }
        let privs = self.privileges()?;
        let level = self.grant_level()?;
        self.expect_kw("TO")?;
        let users = self.user_list()?;
        let grant_option = self.kws(&["WITH", "GRANT", "OPTION"]);
        if self.is_kw_at(0, "AS") {
            return unsupported("GRANT ... AS user");
        }
        Ok(AccountStmt::Grant {
            privs,
            level,
            users,
            grant_option,
        })
    }

    /// After `REVOKE`.
    fn revoke(&mut self) -> PResult<AccountStmt> {
        let if_exists = self.kws(&["IF", "EXISTS"]);
        if self.is_kw_at(0, "PROXY") {
            return unsupported("REVOKE PROXY");
        }
        if self.is_role_statement() {
            // `ALL [PRIVILEGES], GRANT OPTION FROM` has no ON either.
            let save = self.i;
            if self.kw("ALL") {
                let _ = self.kw("PRIVILEGES");
                if self.tok(&Tok::Comma) && self.kws(&["GRANT", "OPTION"]) && self.kw("FROM") {
                    let users = self.user_list()?;
                    let ignore_unknown_user = self.kws(&["IGNORE", "UNKNOWN", "USER"]);
                    return Ok(AccountStmt::RevokeAll {
                        users,
                        ignore_unknown_user,
                    });
                }
            }
            self.i = save;
            let roles = self.user_list()?;
            self.expect_kw("FROM")?;
            let users = self.user_list()?;
            return Ok(AccountStmt::RevokeRoles { roles, users });
        }
        let privs = self.privileges()?;
        let level = self.grant_level()?;
        self.expect_kw("FROM")?;
        let users = self.user_list()?;
        let ignore_unknown_user = self.kws(&["IGNORE", "UNKNOWN", "USER"]);
        Ok(AccountStmt::Revoke {
            if_exists,
            privs,
            level,
            users,
            ignore_unknown_user,
        })
    }
}

/// Parses one account statement (text without the terminating `;`). `Err(offset)` is a syntax
/// error at that byte offset of `text`; other MySQL errors raised while parsing come back as
/// `Ok(Err(e))`.
pub(crate) fn parse(text: &str) -> Result<Result<AccountStmt, EngineError>, usize> {
    let toks = lex(text)?;
    let mut p = P {
        toks,
        i: 0,
        end: text.len(),
    };
    match p.statement() {
        Ok(stmt) if p.at_end() => Ok(Ok(stmt)),
        Ok(_) => Err(p.pos()),
        Err(Fail::Syntax(at)) => Err(at),
        Err(Fail::Unsupported(what)) => Ok(Ok(AccountStmt::Unsupported(what))),
        Err(Fail::Error(e)) => Ok(Err(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Execution

/// `` `name` `` with backticks doubled.
fn quote_ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

fn note(session: &mut Session, e: EngineError) {
    session.warnings.push(Warning {
        level: "Note",
        code: e.code,
        message: e.message,
    });
}

fn plugin_named(name: &str) -> Result<AuthPlugin, EngineError> {
    AuthPlugin::from_name(&name.to_ascii_lowercase())
        .ok_or_else(|| EngineError::plugin_not_loaded(name))
}

/// Checks a hash given with `IDENTIFIED WITH plugin AS` the way the plugin would: native hashes
/// are `*` + 40 hex digits, caching_sha2 ones `$A$` + 3 hex digits + `$` + 20 salt + 43 digest
/// characters. The empty string (no password) is always accepted.
fn validated_hash(plugin: AuthPlugin, hash: &[u8]) -> Result<String, EngineError> {
    let text = String::from_utf8(hash.to_vec()).map_err(|_| EngineError::password_format())?;
    if text.is_empty() {
        return Ok(text);
    }
    let good = match plugin {
        AuthPlugin::MysqlNativePassword => {
            text.len() == 41
                && text.starts_with('*')
                && text.bytes().skip(1).all(|b| b.is_ascii_hexdigit())
        }
        AuthPlugin::CachingSha2Password => {
            let b = text.as_bytes();
            let rounds = b
                .get(3..6)
                .and_then(|r| std::str::from_utf8(r).ok())
                .and_then(|r| u32::from_str_radix(r, 16).ok());
            b.len() == 7 + caching_sha2::SALT_LEN + caching_sha2::DIGEST_TEXT_LEN
                && b.starts_with(b"$A$")
                && b.get(6) == Some(&b'$')
                && rounds.is_some_and(|r| (1..=0xFFF).contains(&r))
        }
    };
    if good {
        Ok(text)
    } else {
        Err(EngineError::password_format())
    }
}

/// The (plugin, authentication_string) an auth option gives, hashing any password with
/// `default_plugin` unless the option names one. `Err(None)` means the plugin refused the
/// password (ER_CANNOT_USER for this account).
fn credentials(
    auth: &AuthOption,
    default_plugin: AuthPlugin,
) -> Result<(AuthPlugin, String), Option<EngineError>> {
    let hashed = |plugin: AuthPlugin, pw: &Secret| {
        if plugin.accepts_password(&pw.0) {
            Ok((plugin, plugin.hash(&pw.0)))
        } else {
            Err(None)
        }
    };
    match auth {
        AuthOption::By(pw) => hashed(default_plugin, pw),
        AuthOption::With { plugin, by } => {
            let plugin = plugin_named(plugin).map_err(Some)?;
            match by {
                Some(pw) => hashed(plugin, pw),
                None => Ok((plugin, String::new())),
            }
        }
        AuthOption::WithAs { plugin, hash } => {
            let plugin = plugin_named(plugin).map_err(Some)?;
            Ok((plugin, validated_hash(plugin, &hash.0).map_err(Some)?))
        }
    }
}

fn cannot_user(operation: &str, failed: &[(String, String)]) -> EngineError {
    let list: Vec<String> = failed.iter().map(|(u, h)| account_text(u, h)).collect();
    EngineError::cannot_user(operation, &list.join(","))
}

/// CREATE USER (or, for statements that may also act on the session's own account, the
/// account itself): ER 1227.
fn need_create_user(engine: &Engine, session: &Session) -> Result<(), EngineError> {
    privilege::check_global(engine, session, Privs::CREATE_USER, &[], "CREATE USER")
}

/// True when `user`@`host` is the session's own account.
fn is_own(session: &Session, user: &str, host: &str) -> bool {
    user == session.info.user && host.eq_ignore_ascii_case(&session.info.account_host)
}

/// Runs an account statement.
pub(crate) fn run(
    engine: &Engine,
    session: &mut Session,
    stmt: &AccountStmt,
) -> Result<Outcome, EngineError> {
    match stmt {
        AccountStmt::CreateUser {
            if_not_exists,
            users,
            options,
        } => create_user(engine, session, *if_not_exists, users, options),
        AccountStmt::AlterUser {
            if_exists,
            users,
            replaces,
            options,
        } => alter_user(engine, session, *if_exists, users, replaces, options),
        AccountStmt::DropUser { if_exists, users } => drop_user(engine, session, *if_exists, users),
        AccountStmt::RenameUser(pairs) => rename_user(engine, session, pairs),
        AccountStmt::SetPassword {
            user,
            password,
            replace,
        } => set_password(engine, session, user.as_ref(), password, replace.as_ref()),
        AccountStmt::FlushPrivileges => {
            privilege::check_global(
                engine,
                session,
                Privs::RELOAD,
                &["FLUSH_PRIVILEGES"],
                "RELOAD or FLUSH_PRIVILEGES",
            )?;
            engine.accounts.flush_cache();
            Ok(ok(session, 0))
        }
        AccountStmt::ShowCreateUser(user) => show_create_user(engine, session, user),
        AccountStmt::ShowGrants { user, using } => {
            grant::show_grants(engine, session, user.as_ref(), using)
        }
        AccountStmt::CreateRole {
            if_not_exists,
            roles,
        } => role::create_role(engine, session, *if_not_exists, roles),
        AccountStmt::DropRole { if_exists, roles } => {
            role::drop_role(engine, session, *if_exists, roles)
        }
        AccountStmt::GrantRoles {
            roles,
            users,
            admin,
        } => role::grant_roles(engine, session, roles, users, *admin),
        AccountStmt::RevokeRoles { roles, users } => {
            role::revoke_roles(engine, session, roles, users)
        }
        AccountStmt::SetRole(spec) => role::set_role(engine, session, spec),
        AccountStmt::SetDefaultRole { spec, users } => {
            role::set_default_role(engine, session, spec, users)
        }
        AccountStmt::Grant {
            privs,
            level,
            users,
            grant_option,
        } => grant::grant(engine, session, privs, level, users, *grant_option),
        AccountStmt::Revoke {
            if_exists,
            privs,
            level,
            users,
            ignore_unknown_user,
        } => grant::revoke(
            engine,
            session,
            privs,
            level,
            users,
            *if_exists,
            *ignore_unknown_user,
        ),
        AccountStmt::RevokeAll {
            users,
            ignore_unknown_user,
        } => grant::revoke_all(engine, session, users, *ignore_unknown_user),
        AccountStmt::Unsupported(what) => Err(EngineError::not_supported(what)),
    }
}

fn create_user(
    engine: &Engine,
    session: &mut Session,
    if_not_exists: bool,
    users: &[(UserRef, Option<AuthOption>)],
    options: &UserOptions,
) -> Result<Outcome, EngineError> {
    need_create_user(engine, session)?;
    let store = &engine.accounts;
    let mut seen = HashSet::new();
    let mut failed = Vec::new();
    let mut existing = Vec::new();
    let mut new_accounts = Vec::new();
    for (user, auth) in users {
        let (user, host) = resolve(session, user)?;
        if store.get(&user, &host).is_some() || !seen.insert((user.clone(), host.clone())) {
            if if_not_exists {
                existing.push((user, host));
            } else {
                failed.push((user, host));
            }
            continue;
        }
        let (plugin, auth_string) = match auth {
            None => (AuthPlugin::CachingSha2Password, String::new()),
            Some(a) => match credentials(a, AuthPlugin::CachingSha2Password) {
                Ok(c) => c,
                Err(Some(e)) => return Err(e),
                Err(None) => {
                    failed.push((user, host));
                    continue;
                }
            },
        };
        let mut acc = Account {
            user,
            host,
            plugin,
            auth_string,
            ..Account::default()
        };
        options.apply(&mut acc);
        new_accounts.push(acc);
    }
    if !failed.is_empty() {
        return Err(cannot_user("CREATE USER", &failed));
    }
    for acc in new_accounts {
        store.upsert(acc);
    }
    for (user, host) in existing {
        note(
            session,
            EngineError::user_already_exists(&account_text(&user, &host)),
        );
    }
    Ok(ok(session, 0))
}

fn alter_user(
    engine: &Engine,
    session: &mut Session,
    if_exists: bool,
    users: &[(UserRef, Option<AuthOption>)],
    replaces: &[Option<Secret>],
    options: &UserOptions,
) -> Result<Outcome, EngineError> {
    for (user_ref, auth) in users {
        let (user, host) = resolve(session, user_ref)?;
        let own_password_only =
            is_own(session, &user, &host) && auth.is_some() && options.is_empty();
        if !own_password_only {
            need_create_user(engine, session)?;
        }
    }
    let store = &engine.accounts;
    let mut failed = Vec::new();
    let mut missing = Vec::new();
    let mut changed: Vec<Account> = Vec::new();
    for (i, (user_ref, auth)) in users.iter().enumerate() {
        let (user, host) = resolve(session, user_ref)?;
        // A second mention of the same account sees the first one's changes.
        let current = changed
            .iter()
            .rev()
            .find(|a| a.user == user && a.host == host)
            .cloned()
            .or_else(|| store.get(&user, &host));
        let Some(mut acc) = current else {
            if if_exists {
                missing.push((user, host));
            } else {
                failed.push((user, host));
            }
            continue;
        };
        if let Some(auth) = auth {
            if matches!(
                auth,
                AuthOption::By(_) | AuthOption::With { by: Some(_), .. }
            ) {
                check_current_password(
                    engine,
                    session,
                    &acc,
                    replaces.get(i).and_then(Option::as_ref),
                )?;
            }
            match credentials(auth, acc.plugin) {
                Ok((plugin, auth_string)) => {
                    acc.plugin = plugin;
                    acc.auth_string = auth_string;
                }
                Err(Some(e)) => return Err(e),
                Err(None) => {
                    failed.push((user, host));
                    continue;
                }
            }
        }
        if auth.is_some() && !options.expire {
            // A new password ends an expired one.
            acc.password_expired = false;
        }
        options.apply(&mut acc);
        changed.push(acc);
    }
    if !failed.is_empty() {
        return Err(cannot_user("ALTER USER", &failed));
    }
    for acc in changed {
        if is_own(session, &acc.user, &acc.host) && !acc.password_expired {
            session.info.password_expired = false;
        }
        if options.resets_failed_logins() {
            store.reset_failed_logins(&acc.user, &acc.host);
        }
        let (user, host) = (acc.user.clone(), acc.host.clone());
        // upsert also drops the account's caching_sha2 cache entry.
        store.upsert(acc);
        if options.sets_resources() {
            store.reset_usage(&user, &host);
        }
    }
    for (user, host) in missing {
        note(
            session,
            EngineError::user_does_not_exist(&account_text(&user, &host)),
        );
    }
    Ok(ok(session, 0))
}

fn drop_user(
    engine: &Engine,
    session: &mut Session,
    if_exists: bool,
    users: &[UserRef],
) -> Result<Outcome, EngineError> {
    need_create_user(engine, session)?;
    let store = &engine.accounts;
    let mut seen = HashSet::new();
    let mut failed = Vec::new();
    let mut missing = Vec::new();
    let mut doomed = Vec::new();
    for user in users {
        let (user, host) = resolve(session, user)?;
        let exists = store.get(&user, &host).is_some();
        if exists && seen.insert((user.clone(), host.clone())) {
            doomed.push((user, host));
        } else if if_exists {
            missing.push((user, host));
        } else {
            failed.push((user, host));
        }
    }
    if !failed.is_empty() {
        return Err(cannot_user("DROP USER", &failed));
    }
    for (user, host) in doomed {
        // Someone else may have dropped it meanwhile; the end state is the same.
        let _ = store.drop_user(&user, &host);
        engine.grants.remove(&user, &host);
    }
    for (user, host) in missing {
        note(
            session,
            EngineError::user_does_not_exist(&account_text(&user, &host)),
        );
    }
    Ok(ok(session, 0))
}

fn rename_user(
    engine: &Engine,
    session: &mut Session,
    pairs: &[(UserRef, UserRef)],
) -> Result<Outcome, EngineError> {
    need_create_user(engine, session)?;
    let store = &engine.accounts;
    // Pairs apply in order (`RENAME USER a TO b, b TO c` works): simulate on a key view first.
    let mut gone: HashSet<(String, String)> = HashSet::new();
    let mut added: HashSet<(String, String)> = HashSet::new();
    let mut failed = Vec::new();
    let mut moves = Vec::new();
    for (from, to) in pairs {
        let from = resolve(session, from)?;
        let to = resolve(session, to)?;
        let exists = |k: &(String, String)| {
            added.contains(k) || (!gone.contains(k) && store.get(&k.0, &k.1).is_some())
        };
        if !exists(&from) || exists(&to) {
            failed.push(from);
            continue;
        }
        added.remove(&from);
        gone.insert(from.clone());
        gone.remove(&to);
        added.insert(to.clone());
        moves.push((from, to));
    }
    if !failed.is_empty() {
        return Err(cannot_user("RENAME USER", &failed));
    }
    for ((from_user, from_host), (to_user, to_host)) in moves {
        if let Some(mut acc) = store.get(&from_user, &from_host) {
            let _ = store.drop_user(&from_user, &from_host);
            engine
                .grants
                .rename((&from_user, &from_host), (&to_user, &to_host));
            acc.user = to_user;
            acc.host = to_host;
            store.upsert(acc);
        }
    }
    Ok(ok(session, 0))
}

fn set_password(
    engine: &Engine,
    session: &mut Session,
    user: Option<&UserRef>,
    password: &Secret,
    replace: Option<&Secret>,
) -> Result<Outcome, EngineError> {
    if let Some(u) = user {
        let (name, host) = resolve(session, u)?;
        if !is_own(session, &name, &host)
            && !privilege::has_global(engine, session, Privs::CREATE_USER, &[])
        {
            privilege::check_db(engine, session, "mysql", Privs::UPDATE)?;
        }
    }
    let (user, host) = resolve(session, user.unwrap_or(&UserRef::Current))?;
    let Some(acc) = engine.accounts.get(&user, &host) else {
        return Err(EngineError::password_no_match());
    };
    check_current_password(engine, session, &acc, replace)?;
    engine
        .accounts
        .set_password(&user, &host, &password.0)
        .map_err(|e| EngineError::new(e.code(), e.sql_state(), e.to_string()))?;
    if is_own(session, &user, &host) {
        session.info.password_expired = false;
    }
    Ok(ok(session, 0))
}

/// MySQL's password verification-required policy (`validate_password_require_current`):
/// a `REPLACE 'current'` is only for one's own password (3893) and must be right (3891); without
/// it, an account that is not privileged (global CREATE USER, or UPDATE on `mysql`) must give it
/// when PASSWORD REQUIRE CURRENT, or DEFAULT with `password_require_current` ON, says so (3892).
fn check_current_password(
    engine: &Engine,
    session: &Session,
    acc: &Account,
    replace: Option<&Secret>,
) -> Result<(), EngineError> {
    if let Some(current) = replace {
        if !is_own(session, &acc.user, &acc.host) {
            return Err(EngineError::new(
                3893,
                "HY000",
                "Do not specify the current password while changing it for other users.",
            ));
        }
        let right = if acc.auth_string.is_empty() {
            current.0.is_empty()
        } else {
            acc.plugin.verifies(&acc.auth_string, &current.0)
        };
        if !right {
            return Err(EngineError::new(
                3891,
                "HY000",
                "Incorrect current password. Specify the correct password which has to be replaced.",
            ));
        }
        return Ok(());
    }
    let privileged = privilege::has_global(engine, session, Privs::CREATE_USER, &[])
        || privilege::check_db(engine, session, "mysql", Privs::UPDATE).is_ok();
    let required = acc.password_require_current.unwrap_or_else(|| {
        engine
            .global_variable("password_require_current")
            .is_some_and(|v| v == "ON")
    });
    if required && !privileged {
        return Err(EngineError::new(
            3892,
            "HY000",
            "Current password needs to be specified in the REPLACE clause in order to change it.",
        ));
    }
    Ok(())
}

fn require_text(require: &SslRequirement) -> String {
    match require {
        SslRequirement::None => "NONE".into(),
        SslRequirement::Ssl => "SSL".into(),
        SslRequirement::X509 => "X509".into(),
        SslRequirement::Specified {
            cipher,
            issuer,
            subject,
        } => {
            let mut parts = Vec::new();
            if let Some(s) = subject {
                parts.push(format!("SUBJECT {}", quote_string(s)));
            }
            if let Some(s) = issuer {
                parts.push(format!("ISSUER {}", quote_string(s)));
            }
            if let Some(s) = cipher {
                parts.push(format!("CIPHER {}", quote_string(s)));
            }
            parts.join(" ")
        }
    }
}

/// MySQL 8.4's `SHOW CREATE USER` text for an account (hash as a string literal, i.e.
/// `print_identified_with_as_hex=OFF`).
pub(crate) fn create_user_text(acc: &Account) -> String {
    let mut s = format!(
        "CREATE USER {}@{} IDENTIFIED WITH '{}'",
        quote_ident(&acc.user),
        quote_ident(&acc.host),
        acc.plugin.name()
    );
    if !acc.auth_string.is_empty() {
        s.push_str(" AS ");
        s.push_str(&quote_string(&acc.auth_string));
    }
    s.push_str(" REQUIRE ");
    s.push_str(&require_text(&acc.require));
    let limits = [
        ("MAX_QUERIES_PER_HOUR", acc.hourly_limits.queries),
        ("MAX_UPDATES_PER_HOUR", acc.hourly_limits.updates),
        ("MAX_CONNECTIONS_PER_HOUR", acc.hourly_limits.connections),
        ("MAX_USER_CONNECTIONS", acc.max_user_connections),
    ];
    if limits.iter().any(|(_, n)| *n > 0) {
        s.push_str(" WITH");
        for (name, n) in limits.iter().filter(|(_, n)| *n > 0) {
            s.push_str(&format!(" {name} {n}"));
        }
    }
    match (acc.password_expired, acc.password_lifetime) {
        (true, _) => s.push_str(" PASSWORD EXPIRE"),
        (false, PasswordLifetime::Default) => s.push_str(" PASSWORD EXPIRE DEFAULT"),
        (false, PasswordLifetime::Never) => s.push_str(" PASSWORD EXPIRE NEVER"),
        (false, PasswordLifetime::Days(n)) => {
            s.push_str(&format!(" PASSWORD EXPIRE INTERVAL {n} DAY"));
        }
    }
    s.push_str(if acc.locked {
        " ACCOUNT LOCK"
    } else {
        " ACCOUNT UNLOCK"
    });
    s.push_str(" PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT");
    s.push_str(match acc.password_require_current {
        None => " PASSWORD REQUIRE CURRENT DEFAULT",
        Some(true) => " PASSWORD REQUIRE CURRENT",
        Some(false) => " PASSWORD REQUIRE CURRENT OPTIONAL",
    });
    if acc.failed_login_attempts > 0 || acc.password_lock_time != PasswordLockTime::Days(0) {
        let lock = match acc.password_lock_time {
            PasswordLockTime::Days(d) => d.to_string(),
            PasswordLockTime::Unbounded => "UNBOUNDED".to_string(),
        };
        s.push_str(&format!(
            " FAILED_LOGIN_ATTEMPTS {} PASSWORD_LOCK_TIME {lock}",
            acc.failed_login_attempts
        ));
    }
    s
}

fn show_create_user(
    engine: &Engine,
    session: &mut Session,
    user: &UserRef,
) -> Result<Outcome, EngineError> {
    let (user, host) = resolve(session, user)?;
    // Another account needs SELECT on the mysql schema; the hash shows only with SELECT on
    // mysql.user (else `<secret>`, as MySQL prints it for the session's own account).
    let may_read_hashes = privilege::check_table(engine, session, "mysql", "user", Privs::SELECT);
    if !is_own(session, &user, &host) {
        privilege::check_db(engine, session, "mysql", Privs::SELECT)?;
    }
    let mut acc = engine
        .accounts
        .get(&user, &host)
        .ok_or_else(|| cannot_user("SHOW CREATE USER", &[(user.clone(), host.clone())]))?;
    if may_read_hashes.is_err() && !acc.auth_string.is_empty() {
        acc.auth_string = SECRET_HASH.to_string();
    }
    Ok(Outcome::Rows {
        columns: vec![text_column(format!("CREATE USER for {user}@{host}"), 1024)],
        rows: vec![vec![Value::str(create_user_text(&acc))]],
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parsed(sql: &str) -> AccountStmt {
        parse(sql).unwrap().unwrap()
    }

    fn named(user: &str, host: &str) -> UserRef {
        UserRef::Named {
            user: user.into(),
            host: host.into(),
        }
    }

    #[test]
    fn account_names_parse_in_every_quoting_style() {
        for (sql, user, host) in [
            ("DROP USER 'u'@'h'", "u", "h"),
            ("DROP USER u@localhost", "u", "localhost"),
            ("DROP USER `u`@`h`", "u", "h"),
            ("DROP USER \"u\"@\"h\"", "u", "h"),
            ("DROP USER 'u'", "u", "%"),
            ("DROP USER u", "u", "%"),
            ("DROP USER u@127.0.0.1", "u", "127.0.0.1"),
            ("DROP USER 'u'@'%'", "u", "%"),
            ("DROP USER ''@'localhost'", "", "localhost"),
            ("DROP USER 'it''s'@'h'", "it's", "h"),
            ("DROP USER 'a\\'b'@'h'", "a'b", "h"),
        ] {
            assert_eq!(
                parsed(sql),
                AccountStmt::DropUser {
                    if_exists: false,
                    users: vec![named(user, host)]
                },
                "{sql}"
            );
        }
    }

    #[test]
    fn debug_output_hides_passwords() {
        let stmt = parsed("CREATE USER u IDENTIFIED BY 'hunter2'");
        let text = format!("{stmt:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("<secret>"));
        let stmt = parsed("SET PASSWORD = 'hunter2'");
        assert!(!format!("{stmt:?}").contains("hunter2"));
    }

    #[test]
    fn syntax_errors_point_at_the_offending_token() {
        assert_eq!(parse("CREATE USER u IDENTIFIED FOO"), Err(25));
        assert_eq!(parse("DROP USER"), Err(9));
        assert_eq!(parse("CREATE USER u REQUIRE SSL AND X509"), Err(26));
        assert_eq!(parse("SET PASSWORD FOR u 'x'"), Err(19));
    }

    #[test]
    fn hex_literals_decode() {
        assert_eq!(
            parsed("CREATE USER u IDENTIFIED WITH caching_sha2_password AS 0x2441"),
            AccountStmt::CreateUser {
                if_not_exists: false,
                users: vec![(
                    named("u", "%"),
                    Some(AuthOption::WithAs {
                        plugin: "caching_sha2_password".into(),
                        hash: Secret(b"$A".to_vec())
                    })
                )],
                options: UserOptions::default()
            }
        );
    }

    #[test]
    fn show_create_user_escapes_quotes_in_the_hash() {
        let acc = Account {
            user: "u".into(),
            host: "%".into(),
            plugin: AuthPlugin::CachingSha2Password,
            auth_string: "a'b\\c".into(),
            locked: true,
            require: SslRequirement::Specified {
                cipher: Some("C".into()),
                issuer: Some("/CN=ca".into()),
                subject: None,
            },
            ..Account::default()
        };
        assert_eq!(
            create_user_text(&acc),
            "CREATE USER `u`@`%` IDENTIFIED WITH 'caching_sha2_password' AS 'a\\'b\\\\c' \
             REQUIRE ISSUER '/CN=ca' CIPHER 'C' PASSWORD EXPIRE DEFAULT ACCOUNT LOCK \
             PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT"
        );
    }
}
