//! User-level locks: GET_LOCK, RELEASE_LOCK, RELEASE_ALL_LOCKS, IS_FREE_LOCK, IS_USED_LOCK.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/locking-functions.html>
//!
//! A user lock is an exclusive, server-wide lock on a name (at most 64 characters, compared
//! case-insensitively: MySQL lower-cases the name before it becomes an MDL key). It belongs to
//! a session, not to a transaction: COMMIT and ROLLBACK keep it. A session may take the same
//! name several times and must release it as often; others get it once the count is zero.
//!
//! The registry ([`UserLocks`]) is one per engine. A session's locks are held through an
//! [`Owner`] kept in the `Session`; dropping it (the connection closed or vanished, or
//! COM_RESET_CONNECTION / COM_CHANGE_USER replaced the session) releases every lock it holds.
//!
//! Waiting: a session that asks for a name another holds waits on a condition variable, on an
//! engine thread (statements calling these functions never run on the async workers, see
//! `Func::is_deterministic`), waking at least every [`SLICE`] to notice KILL QUERY and
//! max_execution_time. Before it waits, and again whenever the holder of the name changes,
//! it follows the wait-for chain (holder → the name the holder waits for → its holder ...);
//! if the chain comes back to itself, the request is a deadlock and fails with
//! ER_USER_LOCK_DEADLOCK (3058), which, as in MySQL, does not roll a transaction back.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::error::EngineError;
use crate::value::Value;

/// Longest lock name, in characters (MySQL's NAME_CHAR_LEN).
pub(crate) const MAX_NAME_CHARS: usize = 64;

/// A waiter wakes at least this often to check KILL QUERY and max_execution_time.
const SLICE: Duration = Duration::from_millis(20);

/// The longest wait MySQL honours (INT_MAX32 seconds): larger and negative timeouts wait
/// "forever".
const MAX_TIMEOUT_SECS: i64 = i32::MAX as i64;

/// One held name.
#[derive(Debug)]
struct Held {
    owner: u64,
    /// The connection id IS_USED_LOCK reports.
    connection: u64,
    /// How many times the owner took it (it is free again at zero).
    count: u64,
}

#[derive(Debug, Default)]
struct Inner {
    held: HashMap<String, Held>,
    /// Owner → the name it waits for.
    waiting: HashMap<u64, String>,
}

/// The engine's registry of user-level locks.
#[derive(Debug, Default)]
pub(crate) struct UserLocks {
    inner: Mutex<Inner>,
    released: Condvar,
    next_owner: AtomicU64,
}

/// How a GET_LOCK ended without an error.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Acquired {
    /// 1.
    Granted,
    /// 0: the timeout passed.
    TimedOut,
}

/// A session's handle on the registry; dropping it releases all the session's locks.
#[derive(Debug)]
pub(crate) struct Owner {
    id: u64,
    connection: u64,
    locks: Arc<UserLocks>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.locks.release_all(self.id);
    }
}

impl Owner {
    /// GET_LOCK(name, timeout). `name` is already checked ([`lock_name`]); `timeout` None
    /// waits without end. `cancel` (KILL QUERY) ends the wait with ER 1317, `deadline`
    /// (max_execution_time) with ER 3024.
    pub(crate) fn acquire(
        &self,
        name: &str,
        timeout: Option<Duration>,
        cancel: &AtomicBool,
        deadline: Option<Instant>,
    ) -> Result<Acquired, EngineError> {
        self.locks
            .acquire(self.id, self.connection, name, timeout, cancel, deadline)
    }

    /// RELEASE_LOCK(name): Some(true) released once, Some(false) held by another session, None
    /// held by nobody.
    pub(crate) fn release(&self, name: &str) -> Option<bool> {
        self.locks.release(self.id, name)
    }

    /// RELEASE_ALL_LOCKS(): how many locks (counting repeated takes) were released.
    pub(crate) fn release_all(&self) -> u64 {
        self.locks.release_all(self.id)
    }
}

impl UserLocks {
    /// A handle for a session of connection `connection`.
    pub(crate) fn owner(self: &Arc<Self>, connection: u64) -> Owner {
        Owner {
            id: self.next_owner.fetch_add(1, Ordering::Relaxed),
            connection,
            locks: self.clone(),
        }
    }

    /// IS_USED_LOCK(name): the connection id holding it.
    pub(crate) fn holder(&self, name: &str) -> Option<u64> {
        self.inner.lock().held.get(name).map(|h| h.connection)
    }

    /// Number of names held.
    #[cfg(test)]
    pub(crate) fn held_count(&self) -> usize {
        self.inner.lock().held.len()
    }

    fn acquire(
        &self,
        me: u64,
        connection: u64,
        name: &str,
        timeout: Option<Duration>,
        cancel: &AtomicBool,
        deadline: Option<Instant>,
    ) -> Result<Acquired, EngineError> {
        let start = Instant::now();
        let end = timeout.map(|t| start + t);
        let mut inner = self.inner.lock();
        let mut checked_holder = None;
        loop {
            match inner.held.get_mut(name) {
                None => {
                    inner.waiting.remove(&me);
                    inner.held.insert(
                        name.to_string(),
                        Held {
                            owner: me,
                            connection,
                            count: 1,
                        },
                    );
                    return Ok(Acquired::Granted);
                }
                Some(h) if h.owner == me => {
                    h.count = h.count.saturating_add(1);
                    inner.waiting.remove(&me);
                    return Ok(Acquired::Granted);
                }
                Some(h) => {
                    let holder = h.owner;
                    let now = Instant::now();
                    if end.is_some_and(|e| now >= e) {
                        inner.waiting.remove(&me);
                        return Ok(Acquired::TimedOut);
                    }
                    if checked_holder != Some(holder) {
                        if inner.leads_back(holder, me) {
                            inner.waiting.remove(&me);
                            return Err(deadlock());
                        }
                        checked_holder = Some(holder);
                        inner.waiting.insert(me, name.to_string());
                    }
                    if cancel.load(Ordering::Relaxed) {
                        inner.waiting.remove(&me);
                        return Err(EngineError::new(
                            1317,
                            "70100",
                            "Query execution was interrupted",
                        ));
                    }
                    if deadline.is_some_and(|d| now >= d) {
                        inner.waiting.remove(&me);
                        return Err(EngineError::new(
                            3024,
                            "HY000",
                            "Query execution was interrupted, maximum statement execution time exceeded",
                        ));
                    }
                    let mut wait = SLICE;
                    if let Some(e) = end {
                        wait = wait.min(e - now);
                    }
                    if let Some(d) = deadline {
                        wait = wait.min(d.saturating_duration_since(now));
                    }
                    self.released.wait_for(&mut inner, wait);
                }
            }
        }
    }

    fn release(&self, me: u64, name: &str) -> Option<bool> {
        let mut inner = self.inner.lock();
        let h = inner.held.get_mut(name)?;
        if h.owner != me {
            return Some(false);
        }
        h.count = h.count.saturating_sub(1);
        if h.count == 0 {
            inner.held.remove(name);
            self.released.notify_all();
        }
        Some(true)
    }

    fn release_all(&self, me: u64) -> u64 {
        let mut inner = self.inner.lock();
        let mut n = 0u64;
        inner.held.retain(|_, h| {
            if h.owner == me {
                n = n.saturating_add(h.count);
                false
            } else {
                true
            }
        });
        inner.waiting.remove(&me);
        if n > 0 {
            self.released.notify_all();
        }
        n
    }
}

impl Inner {
    /// Whether following "waits for a name held by" from `from` reaches `me`.
    fn leads_back(&self, from: u64, me: u64) -> bool {
        let mut seen = HashSet::new();
        let mut at = from;
        loop {
            if at == me {
                return true;
            }
            if !seen.insert(at) {
                return false;
            }
            let Some(next) = self
                .waiting
                .get(&at)
                .and_then(|n| self.held.get(n))
                .map(|h| h.owner)
            else {
                return false;
            };
            at = next;
        }
    }
}

/// ER_USER_LOCK_DEADLOCK.
fn deadlock() -> EngineError {
    EngineError::new(
        3058,
        "HY000",
        "Deadlock found when trying to get user-level lock; try rolling back transaction/releasing locks and restarting lock acquisition.",
    )
}

/// The registry key of a lock name argument: NULL, an empty name, a name longer than 64
/// characters or bytes that are not UTF-8 are ER_USER_LOCK_WRONG_NAME (3057); names are
/// lower-cased so that they compare case-insensitively, as in MySQL.
pub(crate) fn lock_name(v: &Value) -> Result<String, EngineError> {
    let wrong = |shown: &str| {
        EngineError::new(
            3057,
            "42000",
            format!("Incorrect user-level lock name '{shown}'."),
        )
    };
    let Some(bytes) = v.to_text() else {
        return Err(wrong("NULL"));
    };
    let Ok(text) = String::from_utf8(bytes) else {
        let shown = v.to_string_lossy().unwrap_or_default();
        return Err(wrong(&shown));
    };
    if text.is_empty() || text.chars().count() > MAX_NAME_CHARS {
        let shown: String = text.chars().take(192).collect();
        return Err(wrong(&shown));
    }
    Ok(text.to_lowercase())
}

/// GET_LOCK's timeout argument: whole seconds as MySQL converts the value to an integer (NULL
/// is 0); negative or larger than INT_MAX32 waits without end (None).
pub(crate) fn lock_timeout(v: &Value) -> Option<Duration> {
    let secs = v.to_i64().unwrap_or(0);
    if !(0..MAX_TIMEOUT_SECS).contains(&secs) {
        return None;
    }
    Some(Duration::from_secs(secs.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> AtomicBool {
        AtomicBool::new(false)
    }

    #[test]
    fn a_name_is_reentrant_for_its_owner_and_exclusive_for_others() {
        let locks = Arc::new(UserLocks::default());
        let a = locks.owner(1);
        let b = locks.owner(2);
        let zero = Some(Duration::ZERO);
        assert_eq!(
            a.acquire("x", zero, &never(), None).ok(),
            Some(Acquired::Granted)
        );
        assert_eq!(
            a.acquire("x", zero, &never(), None).ok(),
            Some(Acquired::Granted)
        );
        assert_eq!(
            b.acquire("x", zero, &never(), None).ok(),
            Some(Acquired::TimedOut)
        );
        assert_eq!(locks.holder("x"), Some(1));
        assert_eq!(b.release("x"), Some(false));
        assert_eq!(a.release("x"), Some(true));
        assert_eq!(locks.holder("x"), Some(1), "taken twice, released once");
        assert_eq!(a.release("x"), Some(true));
        assert_eq!(locks.holder("x"), None);
        assert_eq!(a.release("x"), None);
        assert_eq!(
            b.acquire("x", zero, &never(), None).ok(),
            Some(Acquired::Granted)
        );
    }

    #[test]
    fn dropping_the_owner_releases_everything_and_wakes_a_waiter() {
        let locks = Arc::new(UserLocks::default());
        let a = locks.owner(1);
        assert!(a.acquire("x", None, &never(), None).is_ok());
        assert!(a.acquire("y", None, &never(), None).is_ok());
        let l2 = locks.clone();
        let waiter = std::thread::spawn(move || {
            let b = l2.owner(2);
            b.acquire("x", Some(Duration::from_secs(30)), &never(), None)
                .ok()
        });
        while locks.inner.lock().waiting.is_empty() {
            std::thread::yield_now();
        }
        drop(a);
        assert_eq!(waiter.join().ok().flatten(), Some(Acquired::Granted));
        assert_eq!(
            locks.held_count(),
            0,
            "y released, x released by the waiter's drop"
        );
    }

    #[test]
    fn release_all_counts_repeated_takes() {
        let locks = Arc::new(UserLocks::default());
        let a = locks.owner(1);
        for n in ["x", "x", "y"] {
            assert!(a.acquire(n, None, &never(), None).is_ok());
        }
        assert_eq!(a.release_all(), 3);
        assert_eq!(a.release_all(), 0);
    }

    #[test]
    fn a_cycle_of_waits_is_a_deadlock_for_the_request_that_closes_it() {
        let locks = Arc::new(UserLocks::default());
        let a = locks.owner(1);
        let b = locks.owner(2);
        assert!(a.acquire("x", None, &never(), None).is_ok());
        assert!(b.acquire("y", None, &never(), None).is_ok());
        let l2 = locks.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let t = std::thread::spawn(move || {
            // a waits for y (held by b) ...
            let r = a.acquire("y", None, &never(), None).ok();
            let _ = tx.send(());
            drop(a);
            r
        });
        while !l2.inner.lock().waiting.contains_key(&0) {
            std::thread::yield_now();
        }
        // ... and b asking for x (held by a) closes the cycle.
        let e = b.acquire("x", None, &never(), None).err().map(|e| e.code);
        assert_eq!(e, Some(3058));
        assert!(rx.try_recv().is_err(), "a still waits");
        drop(b);
        assert_eq!(t.join().ok().flatten(), Some(Acquired::Granted));
    }

    #[test]
    fn a_kill_ends_a_wait_with_1317() {
        let locks = Arc::new(UserLocks::default());
        let a = locks.owner(1);
        let b = locks.owner(2);
        assert!(a.acquire("x", None, &never(), None).is_ok());
        let killed = AtomicBool::new(true);
        let e = b.acquire("x", None, &killed, None).err().map(|e| e.code);
        assert_eq!(e, Some(1317));
        assert!(locks.inner.lock().waiting.is_empty());
    }

    #[test]
    fn names_are_checked_and_case_insensitive() {
        assert_eq!(lock_name(&Value::str("AbC")).ok().as_deref(), Some("abc"));
        assert_eq!(lock_name(&Value::Int(7)).ok().as_deref(), Some("7"));
        let e = |v: &Value| lock_name(v).err().map(|e| (e.code, e.message));
        assert_eq!(
            e(&Value::Null),
            Some((3057, "Incorrect user-level lock name 'NULL'.".into()))
        );
        assert_eq!(
            e(&Value::str("")),
            Some((3057, "Incorrect user-level lock name ''.".into()))
        );
        assert!(lock_name(&Value::str("é".repeat(64))).is_ok());
        assert_eq!(e(&Value::str("a".repeat(65))).map(|x| x.0), Some(3057));
    }

    #[test]
    fn timeouts_follow_mysql() {
        assert_eq!(lock_timeout(&Value::Int(-1)), None);
        assert_eq!(lock_timeout(&Value::Int(i64::MAX)), None);
        assert_eq!(lock_timeout(&Value::Null), Some(Duration::ZERO));
        assert_eq!(
            lock_timeout(&Value::Double(1.6)),
            Some(Duration::from_secs(2))
        );
    }
}
