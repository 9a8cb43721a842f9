//! Per-account resource limits per hour: `MAX_QUERIES_PER_HOUR`, `MAX_UPDATES_PER_HOUR` and
//! `MAX_CONNECTIONS_PER_HOUR` (MySQL's `max_questions`, `max_updates`, `max_connections`
//! columns of `mysql.user`).
//!
//! MySQL docs: <https://dev.mysql.com/doc/refman/8.4/en/user-resources.html>
//!
//! As in MySQL (`sql_connect.cc`), the counts belong to the account (the `mysql.user` row the
//! login matched), shared by all its connections, and start again when an hour has passed
//! since counting began. A connection is only charged when its account had a limit when it
//! logged in (MySQL attaches its `USER_CONN` then); `ALTER USER ... WITH` a limit, `FLUSH
//! PRIVILEGES` and `FLUSH USER_RESOURCES` reset the counts and take up the new limits.

use std::time::{Duration, Instant};

use crate::AuthError;

/// The length of a counting period.
const HOUR: Duration = Duration::from_secs(3600);

/// The three per-hour limits of an account (0: no limit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HourlyLimits {
    /// `MAX_QUERIES_PER_HOUR` (`max_questions`).
    pub queries: u32,
    /// `MAX_UPDATES_PER_HOUR` (`max_updates`).
    pub updates: u32,
    /// `MAX_CONNECTIONS_PER_HOUR` (`max_connections`).
    pub connections: u32,
}

impl HourlyLimits {
    /// True when no limit is set.
    pub fn is_unlimited(&self) -> bool {
        *self == HourlyLimits::default()
    }
}

/// What one account used in the current hour. Shared (`Arc`) by the account's sessions.
#[derive(Debug)]
pub struct Usage {
    user: String,
    state: std::sync::Mutex<Counts>,
}

#[derive(Debug)]
struct Counts {
    limits: HourlyLimits,
    queries: u32,
    updates: u32,
    connections: u32,
    since: Instant,
}

impl Counts {
    /// Starts a new hour when the current one is over.
    fn roll(&mut self, now: Instant) {
        if now.duration_since(self.since) >= HOUR {
            self.reset(now);
        }
    }

    fn reset(&mut self, now: Instant) {
        self.queries = 0;
        self.updates = 0;
        self.connections = 0;
        self.since = now;
    }
}

impl Usage {
    /// Counters for the account of user name `user` under `limits`.
    pub(crate) fn new(user: &str, limits: HourlyLimits) -> Usage {
        Usage {
            user: user.to_string(),
            state: std::sync::Mutex::new(Counts {
                limits,
                queries: 0,
                updates: 0,
                connections: 0,
                since: Instant::now(),
            }),
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a connection: ER 1226 `max_connections_per_hour` when the account already made
    /// MAX_CONNECTIONS_PER_HOUR connections this hour (the connection is then not counted).
    pub fn charge_connection(&self) -> Result<(), AuthError> {
        self.charge_connection_at(Instant::now())
    }

    fn charge_connection_at(&self, now: Instant) -> Result<(), AuthError> {
        let mut c = self.counts();
        c.roll(now);
        let limit = c.limits.connections;
        if limit > 0 && c.connections >= limit {
            return Err(self.reached("max_connections_per_hour", c.connections));
        }
        c.connections += 1;
        Ok(())
    }

    /// Counts a statement, and an update when `changes_data`: ER 1226 `max_questions` or
    /// `max_updates` when the account is at its limit this hour (the statement must then not
    /// run). As in MySQL's `check_mqh`, a refused statement still counts as a question.
    pub fn charge_statement(&self, changes_data: bool) -> Result<(), AuthError> {
        self.charge_statement_at(changes_data, Instant::now())
    }

    fn charge_statement_at(&self, changes_data: bool, now: Instant) -> Result<(), AuthError> {
        let mut c = self.counts();
        c.roll(now);
        let limits = c.limits;
        if limits.queries > 0 {
            let before = c.queries;
            c.queries = c.queries.saturating_add(1);
            if before >= limits.queries {
                return Err(self.reached("max_questions", limits.queries));
            }
        }
        if changes_data && limits.updates > 0 {
            let before = c.updates;
            c.updates = c.updates.saturating_add(1);
            if before >= limits.updates {
                return Err(self.reached("max_updates", limits.updates));
            }
        }
        Ok(())
    }

    /// New limits (ALTER USER, FLUSH PRIVILEGES) and a new hour.
    pub(crate) fn reset(&self, limits: HourlyLimits) {
        let mut c = self.counts();
        c.limits = limits;
        c.reset(Instant::now());
    }

    fn reached(&self, resource: &'static str, value: u32) -> AuthError {
        AuthError::UserLimitReached {
            user: self.user.clone(),
            resource,
            value,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn usage(limits: HourlyLimits) -> Usage {
        Usage::new("u", limits)
    }

    #[test]
    fn queries_updates_and_connections_stop_at_their_limits_until_the_hour_is_over() {
        let u = usage(HourlyLimits {
            queries: 3,
            updates: 1,
            connections: 2,
        });
        let t0 = Instant::now();
        u.charge_statement_at(true, t0).unwrap();
        let e = u.charge_statement_at(true, t0).unwrap_err();
        assert_eq!((e.code(), e.sql_state()), (1226, "42000"));
        assert_eq!(
            e.to_string(),
            "User 'u' has exceeded the 'max_updates' resource (current value: 1)"
        );
        // The refused update was still a question: the third is the last one.
        u.charge_statement_at(false, t0).unwrap();
        let e = u.charge_statement_at(false, t0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "User 'u' has exceeded the 'max_questions' resource (current value: 3)"
        );
        u.charge_connection_at(t0).unwrap();
        u.charge_connection_at(t0).unwrap();
        let e = u.charge_connection_at(t0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "User 'u' has exceeded the 'max_connections_per_hour' resource (current value: 2)"
        );
        // An hour later everything counts from zero again.
        let later = t0 + HOUR;
        u.charge_connection_at(later).unwrap();
        u.charge_statement_at(true, later).unwrap();
    }

    #[test]
    fn reset_takes_new_limits_and_clears_the_counts() {
        let u = usage(HourlyLimits {
            queries: 1,
            ..HourlyLimits::default()
        });
        u.charge_statement(false).unwrap();
        assert!(u.charge_statement(false).is_err());
        u.reset(HourlyLimits {
            queries: 2,
            ..HourlyLimits::default()
        });
        u.charge_statement(false).unwrap();
        u.charge_statement(false).unwrap();
        assert!(u.charge_statement(false).is_err());
        u.reset(HourlyLimits::default());
        for _ in 0..10 {
            u.charge_statement(true).unwrap();
            u.charge_connection().unwrap();
        }
    }
}
