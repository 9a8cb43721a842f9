//! Transaction locks: a lock manager in the style of InnoDB's.
//!
//! A transaction that writes a row, or reads it with FOR SHARE / FOR UPDATE, locks it, and keeps
//! its locks until it commits or rolls back (strict two-phase locking). A lock is on a
//! [`LockKey`]: the metadata of a table (DML takes it Shared for the whole transaction, DDL takes
//! it Exclusive), or one row or unique key value of a table, named by its memcomparable key bytes.
//! A lock is Shared (S) or Exclusive (X). S is compatible with S; X is compatible with nothing.
//! Locks of one transaction never conflict with each other.
//!
//! Locks are re-entrant. A transaction that holds X on a key is granted S or X on it at once, and
//! one that holds S is granted S at once. A transaction that holds S and asks for X upgrades its
//! lock: at once when it is the only holder, even when others are queued (they wait for it
//! anyway), and otherwise once the other holders have gone. A waiting upgrade queues ahead of the
//! requests of transactions that do not hold the key yet: those wait for its S lock already, so
//! queueing behind them would be a certain deadlock. Two transactions that both hold S and both
//! ask for X are a deadlock; the second to ask is the victim.
//!
//! Other requests are served first come, first served. A request that conflicts with a holder,
//! or with a request queued before it, queues at the back. So a writer waiting for readers is not
//! starved by a stream of new readers: they queue behind it. A queued request is granted when it
//! is compatible with every holder and with every request ahead of it, so compatible readers at
//! the front of the queue are granted together.
//!
//! A request that would wait is checked for deadlock before it waits. The lock manager keeps a
//! wait-for graph with an edge from each waiting transaction to each transaction it waits for: the
//! holders of its key whose locks conflict with its request, and the transactions queued ahead of
//! it whose requests conflict with it. The graph is brought up to date whenever a key that has
//! waiters changes, so it always describes the lock table as it is. The request is queued, and if
//! its transaction now waits, directly or through others, for itself, the request is withdrawn and
//! fails with [`LockError::Deadlock`]. The requester is the victim: InnoDB rolls back the smaller
//! transaction (fewer rows changed and locks held), but the requester is simpler to pick, and is
//! the one that closed the cycle. The caller rolls the victim back, which releases its locks and
//! lets the others go on. Edges appear only when a transaction starts to wait (its own edges, and
//! those of the waiters an upgrade queues ahead of), or point to a transaction that is running (a
//! holder whose lock was just upgraded), so a cycle can only close when one of its transactions
//! starts to wait, and the check of that transaction finds it. The graph never holds a cycle.
//!
//! A request that would wait does what its [`Wait`] says. `NoWait` (NOWAIT) fails at once with
//! [`LockError::NoWait`]. `SkipLocked` (SKIP LOCKED) returns [`Acquired::Skipped`] at once.
//! `Timeout(d)` (innodb_lock_wait_timeout) waits at most `d`, then withdraws the request and fails
//! with [`LockError::Timeout`]; the transaction keeps the locks it has, since InnoDB rolls back
//! only the statement. A waiter also gives up, with [`LockError::Cancelled`], when its cancel flag
//! is set (KILL QUERY, max_execution_time): it looks at the flag at least every 50 ms, and
//! [`LockManager::wake_all`] makes it look at once.
//!
//! A transaction's locks are released together, by [`LockManager::release_all`] at commit or
//! rollback. The waiters that can then go are woken, and each grants itself its lock. A key with
//! no holders and no waiters is forgotten.
//!
//! The callers promise that a transaction runs on one thread at a time: it waits for at most one
//! lock at a time, and `release_all` is not called for it while its `acquire` waits. Transaction
//! ids are not reused while the lock manager knows them.
//!
//! How it is built: the lock table is split by key hash into 16 shards, each a mutex over the
//! keys in it (holders and queue of each) and, for each transaction, the keys it holds there, so
//! `release_all` costs one visit per shard plus one step per held key. Granting a lock nobody
//! contends for locks one shard and does its map lookups there. The wait-for graph has a mutex of
//! its own, locked only for keys that have waiters. Mutexes are taken in one order, a shard and
//! then the graph, and never two shards at once. A waiter sleeps on a condition variable of its
//! own, with its shard unlocked, so a change to a key wakes exactly the waiters that may now go.
//! Keeping the graph exact costs, for a key with `w` waiters and `h` holders, `O(w * (w + h))` per
//! change to that key; keys with a queue are few and their queues short.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A transaction id.
pub(crate) type TxnId = u64;

/// The number of shards of the lock table.
const SHARDS: usize = 16;

/// The longest a waiter sleeps before it looks at its cancel flag again.
const POLL: Duration = Duration::from_millis(50);

/// What a lock is on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum LockKey {
    /// Metadata lock on a table (DML takes Shared for the whole transaction; DDL takes Exclusive).
    Table(u64),
    /// A row (or unique key value) of a table: table id + the memcomparable key bytes.
    Row(u64, Arc<[u8]>),
}

/// A lock mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LockMode {
    Shared,
    Exclusive,
}

impl LockMode {
    /// Whether locks of two different transactions in these modes can be held together.
    fn compatible(self, other: LockMode) -> bool {
        self == LockMode::Shared && other == LockMode::Shared
    }

    /// Whether holding a lock in this mode already grants a request for `wanted`.
    fn covers(self, wanted: LockMode) -> bool {
        self == LockMode::Exclusive || wanted == LockMode::Shared
    }
}

/// What a request does when it would have to wait.
#[derive(Clone, Copy, Debug)]
#[allow(
    clippy::enum_variant_names,
    reason = "NoWait is the SQL keyword NOWAIT"
)]
pub(crate) enum Wait {
    /// Wait at most this long (innodb_lock_wait_timeout), then fail with [`LockError::Timeout`].
    Timeout(Duration),
    /// Fail at once with [`LockError::NoWait`] (NOWAIT).
    NoWait,
    /// Return [`Acquired::Skipped`] at once (SKIP LOCKED).
    SkipLocked,
}

/// Why a lock was not acquired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LockError {
    /// The wait timed out: ER_LOCK_WAIT_TIMEOUT (1205), "Lock wait timeout exceeded; try
    /// restarting transaction". The transaction keeps its other locks.
    Timeout,
    /// Waiting would close a cycle: ER_LOCK_DEADLOCK (1213). The requester is the victim, and the
    /// caller rolls its transaction back.
    Deadlock,
    /// NOWAIT and the lock is held: ER_LOCK_NOWAIT (3572).
    NoWait,
    /// The cancel flag was set while waiting (KILL QUERY / max_execution_time).
    Cancelled,
}

impl From<LockError> for crate::EngineError {
    /// MySQL's error for a lock that was not acquired.
    fn from(e: LockError) -> Self {
        match e {
            LockError::Timeout => crate::EngineError::new(
                1205,
                "HY000",
                "Lock wait timeout exceeded; try restarting transaction",
            ),
            LockError::Deadlock => crate::EngineError::new(
                1213,
                "40001",
                "Deadlock found when trying to get lock; try restarting transaction",
            ),
            LockError::NoWait => crate::EngineError::new(
                3572,
                "HY000",
                "Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set.",
            ),
            LockError::Cancelled => {
                crate::EngineError::new(1317, "70100", "Query execution was interrupted")
            }
        }
    }
}

/// The outcome of a request that did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Acquired {
    /// The lock is held.
    Granted,
    /// [`Wait::SkipLocked`] and the request would have had to wait: nothing was locked.
    Skipped,
}

/// A waiting transaction, as the wait-for graph knows it (INFORMATION_SCHEMA.DATA_LOCK_WAITS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LockWait {
    /// The waiting transaction.
    pub(crate) txn: TxnId,
    /// The key it waits for.
    pub(crate) key: LockKey,
    /// The mode it asked for (Exclusive for an upgrade).
    pub(crate) mode: LockMode,
    /// The transactions it waits for, in no particular order. Empty when the lock is granted but
    /// the waiter has not woken up to take it yet.
    pub(crate) blockers: Vec<TxnId>,
}

/// The lock manager. See the module documentation for the rules.
#[derive(Debug)]
pub(crate) struct LockManager {
    /// The lock table, split by key hash.
    shards: [Mutex<Shard>; SHARDS],
    /// The wait-for graph: each waiting transaction and what it waits for.
    graph: Mutex<HashMap<TxnId, LockWait>>,
    /// Hashes keys to shards.
    hasher: RandomState,
}

/// One shard of the lock table.
#[derive(Debug, Default)]
struct Shard {
    /// The keys with holders or waiters.
    locks: HashMap<LockKey, LockEntry>,
    /// For each transaction, the keys of this shard it holds.
    held: HashMap<TxnId, Vec<LockKey>>,
    /// The id of the next waiting request in this shard.
    next_request: u64,
}

/// The holders and the queue of one key. Never empty while in [`Shard::locks`].
#[derive(Debug, Default)]
struct LockEntry {
    /// The transactions that hold the key, each once, in its strongest mode.
    holders: Vec<Holder>,
    /// The waiting requests: upgrades first, then the others in order of arrival.
    waiters: VecDeque<Waiter>,
}

#[derive(Debug)]
struct Holder {
    txn: TxnId,
    mode: LockMode,
}

/// A waiting request.
#[derive(Debug)]
struct Waiter {
    /// Tells this request from others in its shard.
    id: u64,
    txn: TxnId,
    mode: LockMode,
    /// Whether the transaction holds the key already (in S mode, and asks for X).
    upgrade: bool,
    /// The waiting thread sleeps on this, with the shard's mutex.
    wake: Arc<Condvar>,
}

impl LockEntry {
    /// The mode in which `txn` holds the key, if it does.
    fn held(&self, txn: TxnId) -> Option<LockMode> {
        self.holders.iter().find(|h| h.txn == txn).map(|h| h.mode)
    }

    /// Where a new request queues: an upgrade behind the other upgrades, anything else at the back.
    fn queue_position(&self, upgrade: bool) -> usize {
        if upgrade {
            self.waiters.iter().take_while(|w| w.upgrade).count()
        } else {
            self.waiters.len()
        }
    }

    /// The transactions that a request of `txn` for `mode`, standing at queue position `position`
    /// (or about to be queued there), waits for: the conflicting holders and the conflicting
    /// requests ahead of it. The request can be granted when there are none.
    fn blockers(&self, txn: TxnId, mode: LockMode, position: usize) -> Vec<TxnId> {
        let holders = self.holders.iter().map(|h| (h.txn, h.mode));
        let ahead = self.waiters.iter().take(position).map(|w| (w.txn, w.mode));
        let mut blockers: Vec<TxnId> = holders
            .chain(ahead)
            .filter(|&(other, other_mode)| other != txn && !other_mode.compatible(mode))
            .map(|(other, _)| other)
            .collect();
        // An upgrading holder can be both a holder and a request ahead.
        blockers.sort_unstable();
        blockers.dedup();
        blockers
    }

    /// Grants `mode` to `txn`. Returns true when `txn` did not hold the key before.
    fn grant(&mut self, txn: TxnId, mode: LockMode) -> bool {
        match self.holders.iter_mut().find(|h| h.txn == txn) {
            Some(holder) => {
                if !holder.mode.covers(mode) {
                    holder.mode = mode;
                }
                false
            }
            None => {
                self.holders.push(Holder { txn, mode });
                true
            }
        }
    }

    /// Removes `txn` from the holders.
    fn release(&mut self, txn: TxnId) {
        if let Some(position) = self.holders.iter().position(|h| h.txn == txn) {
            self.holders.swap_remove(position);
        }
    }

    fn is_unused(&self) -> bool {
        self.holders.is_empty() && self.waiters.is_empty()
    }

    /// Brings the graph's edges of this key's waiters up to date, and wakes those that can go.
    fn settle(&self, key: &LockKey, graph: &mut HashMap<TxnId, LockWait>) {
        for (position, waiter) in self.waiters.iter().enumerate() {
            let blockers = self.blockers(waiter.txn, waiter.mode, position);
            if blockers.is_empty() {
                waiter.wake.notify_one();
            }
            match graph.get_mut(&waiter.txn) {
                Some(wait) => wait.blockers = blockers,
                None => {
                    let wait = LockWait {
                        txn: waiter.txn,
                        key: key.clone(),
                        mode: waiter.mode,
                        blockers,
                    };
                    graph.insert(waiter.txn, wait);
                }
            }
        }
    }
}

/// Whether `txn` waits, directly or through others, for itself.
fn waits_for_itself(graph: &HashMap<TxnId, LockWait>, txn: TxnId) -> bool {
    let mut seen = HashSet::new();
    let mut stack: Vec<TxnId> = graph
        .get(&txn)
        .map(|wait| wait.blockers.clone())
        .unwrap_or_default();
    while let Some(other) = stack.pop() {
        if other == txn {
            return true;
        }
        if seen.insert(other)
            && let Some(wait) = graph.get(&other)
        {
            stack.extend_from_slice(&wait.blockers);
        }
    }
    false
}

/// Locks a mutex. A panic elsewhere while it was held leaves the data consistent enough: every
/// change under these mutexes is a few steps that cannot panic.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Default for LockManager {
    fn default() -> Self {
        Self::new()
    }
}

impl LockManager {
    pub(crate) fn new() -> Self {
        LockManager {
            shards: std::array::from_fn(|_| Mutex::default()),
            graph: Mutex::default(),
            hasher: RandomState::new(),
        }
    }

    fn shard(&self, key: &LockKey) -> &Mutex<Shard> {
        let hash = self.hasher.hash_one(key);
        // The remainder is below SHARDS, so the cast is lossless.
        &self.shards[(hash % SHARDS as u64) as usize]
    }

    /// Acquires a lock on `key` in `mode` for `txn`, waiting as `wait` says if it must. Blocks the
    /// calling (non-async) thread while waiting. A wait ends early, with
    /// [`LockError::Cancelled`], when `cancel` is set: it is looked at every 50 ms and whenever
    /// [`LockManager::wake_all`] is called.
    pub(crate) fn acquire(
        &self,
        txn: TxnId,
        key: LockKey,
        mode: LockMode,
        wait: Wait,
        cancel: &AtomicBool,
    ) -> Result<Acquired, LockError> {
        let mut guard = locked(self.shard(&key));
        let shard = &mut *guard;
        let entry = shard.locks.entry(key.clone()).or_default();

        // Already held in this mode or a stronger one: re-entrant, no queueing.
        let held = entry.held(txn);
        if held.is_some_and(|held| held.covers(mode)) {
            return Ok(Acquired::Granted);
        }

        // Grant at once what conflicts with no holder and no request queued ahead.
        let upgrade = held.is_some();
        let position = entry.queue_position(upgrade);
        if entry.blockers(txn, mode, position).is_empty() {
            if entry.grant(txn, mode) {
                shard.held.entry(txn).or_default().push(key.clone());
            }
            if !entry.waiters.is_empty() {
                // An upgrade may block waiters that only waited for requests ahead of them.
                entry.settle(&key, &mut locked(&self.graph));
            }
            return Ok(Acquired::Granted);
        }

        // The request would have to wait.
        let timeout = match wait {
            Wait::NoWait => return Err(LockError::NoWait),
            Wait::SkipLocked => return Ok(Acquired::Skipped),
            Wait::Timeout(timeout) => timeout,
        };
        if cancel.load(Ordering::Acquire) {
            return Err(LockError::Cancelled);
        }

        // Queue the request, and withdraw it again if its transaction now waits for itself.
        let id = shard.next_request;
        shard.next_request = shard.next_request.wrapping_add(1);
        let wake = Arc::new(Condvar::new());
        let waiter = Waiter {
            id,
            txn,
            mode,
            upgrade,
            wake: Arc::clone(&wake),
        };
        entry.waiters.insert(position, waiter);
        {
            let mut graph = locked(&self.graph);
            entry.settle(&key, &mut graph);
            if waits_for_itself(&graph, txn) {
                entry.waiters.remove(position);
                graph.remove(&txn);
                entry.settle(&key, &mut graph);
                return Err(LockError::Deadlock);
            }
        }

        // Wait until granted, timed out or cancelled. A deadline too far away to represent is
        // no deadline.
        let deadline = Instant::now().checked_add(timeout);
        loop {
            if let Some(outcome) = self.try_waiting(&mut guard, &key, id, cancel, deadline) {
                return outcome;
            }
            let nap = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()).min(POLL),
                None => POLL,
            };
            guard = match wake.wait_timeout(guard, nap) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Looks at the waiting request `id` on `key`: grants it if it can go, withdraws it if it is
    /// cancelled or past its deadline, and otherwise returns None to wait on.
    fn try_waiting(
        &self,
        shard: &mut Shard,
        key: &LockKey,
        id: u64,
        cancel: &AtomicBool,
        deadline: Option<Instant>,
    ) -> Option<Result<Acquired, LockError>> {
        let found = shard.locks.get_mut(key).and_then(|entry| {
            let (position, waiter) = entry.waiters.iter().enumerate().find(|(_, w)| w.id == id)?;
            let (txn, mode) = (waiter.txn, waiter.mode);
            Some((entry, position, txn, mode))
        });
        let Some((entry, position, txn, mode)) = found else {
            // Nothing but this thread takes its request out of the queue, so this cannot happen;
            // if it did, the statement could not go on.
            return Some(Err(LockError::Cancelled));
        };

        let outcome = if cancel.load(Ordering::Acquire) {
            Err(LockError::Cancelled)
        } else if entry.blockers(txn, mode, position).is_empty() {
            Ok(Acquired::Granted)
        } else if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            Err(LockError::Timeout)
        } else {
            return None;
        };

        entry.waiters.remove(position);
        if outcome.is_ok() && entry.grant(txn, mode) {
            shard.held.entry(txn).or_default().push(key.clone());
        }
        {
            let mut graph = locked(&self.graph);
            graph.remove(&txn);
            entry.settle(key, &mut graph);
        }
        if entry.is_unused() {
            shard.locks.remove(key);
        }
        Some(outcome)
    }

    /// Releases every lock of `txn` (commit/rollback) and wakes waiters that can now proceed.
    pub(crate) fn release_all(&self, txn: TxnId) {
        for shard in &self.shards {
            let mut guard = locked(shard);
            let shard = &mut *guard;
            let Some(keys) = shard.held.remove(&txn) else {
                continue;
            };
            for key in keys {
                let Some(entry) = shard.locks.get_mut(&key) else {
                    continue;
                };
                entry.release(txn);
                if entry.is_unused() {
                    shard.locks.remove(&key);
                } else if !entry.waiters.is_empty() {
                    entry.settle(&key, &mut locked(&self.graph));
                }
            }
        }
    }

    /// Wakes all waiters so they re-check their cancel flags (called by KILL).
    pub(crate) fn wake_all(&self) {
        // Every waiter looks at its flag with its shard locked before it sleeps, so waking it with
        // its shard locked cannot come too early to be seen; one that queues after the graph was
        // read sees a flag set before this call.
        let keys: HashSet<LockKey> = locked(&self.graph)
            .values()
            .map(|wait| wait.key.clone())
            .collect();
        for key in keys {
            let shard = locked(self.shard(&key));
            if let Some(entry) = shard.locks.get(&key) {
                for waiter in &entry.waiters {
                    waiter.wake.notify_one();
                }
            }
        }
    }

    /// Number of keys currently locked or waited for (for tests / SHOW ENGINE status-like
    /// counters).
    pub(crate) fn locked_keys(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| locked(shard).locks.len())
            .sum()
    }

    /// The waiting transactions, by transaction id (INFORMATION_SCHEMA.DATA_LOCK_WAITS).
    pub(crate) fn waiters(&self) -> Vec<LockWait> {
        let mut waits: Vec<LockWait> = locked(&self.graph).values().cloned().collect();
        waits.sort_unstable_by_key(|wait| wait.txn);
        waits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, AtomicUsize};
    use std::sync::mpsc;
    use std::thread;

    use LockMode::{Exclusive as X, Shared as S};

    /// Long enough that a test that finishes never waits for it.
    const LONG: Wait = Wait::Timeout(Duration::from_secs(10));

    /// Far below LONG: what "at once" means for a deadlock or a cancel.
    const PROMPT: Duration = Duration::from_secs(2);

    fn row(n: u8) -> LockKey {
        LockKey::Row(1, Arc::from(vec![n]))
    }

    /// Acquires without waiting.
    fn try_lock(locks: &LockManager, txn: TxnId, key: &LockKey, mode: LockMode) -> Acquired {
        locks
            .acquire(
                txn,
                key.clone(),
                mode,
                Wait::NoWait,
                &AtomicBool::new(false),
            )
            .unwrap()
    }

    /// Acquires, waiting at most LONG, and says how long it took.
    fn lock_timed(
        locks: &LockManager,
        txn: TxnId,
        key: &LockKey,
        mode: LockMode,
    ) -> (Result<Acquired, LockError>, Duration) {
        let start = Instant::now();
        let result = locks.acquire(txn, key.clone(), mode, LONG, &AtomicBool::new(false));
        (result, start.elapsed())
    }

    /// Waits until `txn` is queued, failing the test after 5 seconds.
    fn until_waiting(locks: &LockManager, txn: TxnId) {
        let start = Instant::now();
        while !locks.waiters().iter().any(|wait| wait.txn == txn) {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "txn {txn} never waited"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }

    fn blockers_of(locks: &LockManager, txn: TxnId) -> Vec<TxnId> {
        let waits = locks.waiters();
        let wait = waits.iter().find(|wait| wait.txn == txn).unwrap();
        wait.blockers.clone()
    }

    #[test]
    fn shared_locks_are_compatible() {
        let locks = LockManager::new();
        assert_eq!(try_lock(&locks, 1, &row(1), S), Acquired::Granted);
        assert_eq!(try_lock(&locks, 2, &row(1), S), Acquired::Granted);
        assert_eq!(locks.locked_keys(), 1);
        locks.release_all(1);
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_transaction_gets_again_what_it_holds_at_once() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, X);
        assert_eq!(try_lock(&locks, 1, &key, S), Acquired::Granted);
        assert_eq!(try_lock(&locks, 1, &key, X), Acquired::Granted);
        try_lock(&locks, 2, &LockKey::Table(7), S);
        assert_eq!(
            try_lock(&locks, 2, &LockKey::Table(7), S),
            Acquired::Granted
        );
        locks.release_all(1);
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_shared_lock_blocks_an_exclusive_request_until_release() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, S);
        thread::scope(|scope| {
            let writer = scope.spawn(|| lock_timed(&locks, 2, &key, X).0);
            until_waiting(&locks, 2);
            assert_eq!(blockers_of(&locks, 2), vec![1]);
            assert!(!writer.is_finished());
            locks.release_all(1);
            assert_eq!(writer.join().unwrap(), Ok(Acquired::Granted));
        });
        assert_eq!(
            locks.acquire(3, key.clone(), S, Wait::NoWait, &AtomicBool::new(false)),
            Err(LockError::NoWait)
        );
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn an_exclusive_lock_blocks_a_shared_request_until_release() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, X);
        thread::scope(|scope| {
            let reader = scope.spawn(|| lock_timed(&locks, 2, &key, S).0);
            until_waiting(&locks, 2);
            assert!(!reader.is_finished());
            locks.release_all(1);
            assert_eq!(reader.join().unwrap(), Ok(Acquired::Granted));
        });
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_wait_times_out_and_the_request_is_gone() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, X);
        try_lock(&locks, 2, &row(2), X);
        let start = Instant::now();
        let wait = Wait::Timeout(Duration::from_millis(100));
        let result = locks.acquire(2, key.clone(), S, wait, &AtomicBool::new(false));
        let elapsed = start.elapsed();
        assert_eq!(result, Err(LockError::Timeout));
        assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
        assert!(elapsed < PROMPT, "{elapsed:?}");
        assert!(locks.waiters().is_empty());

        // A later release grants nothing to the timed out request, and the transaction keeps the
        // lock it had.
        locks.release_all(1);
        assert_eq!(locks.locked_keys(), 1);
        assert_eq!(try_lock(&locks, 3, &key, X), Acquired::Granted);
        assert_eq!(
            locks.acquire(3, row(2), S, Wait::NoWait, &AtomicBool::new(false)),
            Err(LockError::NoWait)
        );
        locks.release_all(2);
        locks.release_all(3);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_two_transaction_deadlock_fails_the_second_requester_at_once() {
        let locks = LockManager::new();
        let (a, b) = (row(1), row(2));
        try_lock(&locks, 1, &a, X);
        try_lock(&locks, 2, &b, X);
        thread::scope(|scope| {
            let first = scope.spawn(|| lock_timed(&locks, 1, &b, X).0);
            until_waiting(&locks, 1);
            let (result, elapsed) = lock_timed(&locks, 2, &a, X);
            assert_eq!(result, Err(LockError::Deadlock));
            assert!(elapsed < PROMPT, "{elapsed:?}");
            assert_eq!(locks.waiters().len(), 1, "the victim is not queued");
            assert!(!first.is_finished());
            locks.release_all(2);
            assert_eq!(first.join().unwrap(), Ok(Acquired::Granted));
        });
        locks.release_all(1);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_three_transaction_cycle_is_a_deadlock() {
        let locks = LockManager::new();
        let (a, b, c) = (row(1), row(2), row(3));
        try_lock(&locks, 1, &a, X);
        try_lock(&locks, 2, &b, X);
        try_lock(&locks, 3, &c, S);
        thread::scope(|scope| {
            let first = scope.spawn(|| lock_timed(&locks, 1, &b, S).0);
            until_waiting(&locks, 1);
            let second = scope.spawn(|| lock_timed(&locks, 2, &c, X).0);
            until_waiting(&locks, 2);
            let (result, elapsed) = lock_timed(&locks, 3, &a, X);
            assert_eq!(result, Err(LockError::Deadlock));
            assert!(elapsed < PROMPT, "{elapsed:?}");
            // Rolling back the victim lets the others go in turn.
            locks.release_all(3);
            assert_eq!(second.join().unwrap(), Ok(Acquired::Granted));
            locks.release_all(2);
            assert_eq!(first.join().unwrap(), Ok(Acquired::Granted));
        });
        locks.release_all(1);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn waiting_behind_a_queued_request_counts_for_deadlocks() {
        // 2 waits for 1's S lock on A; 3 queues behind 2 for S on A (first come, first served), so
        // 3 waits for 2. When 1 then waits for 3's lock on B, the cycle 1 → 3 → 2 → 1 closes.
        let locks = LockManager::new();
        let (a, b) = (row(1), row(2));
        try_lock(&locks, 1, &a, S);
        try_lock(&locks, 3, &b, X);
        thread::scope(|scope| {
            let writer = scope.spawn(|| lock_timed(&locks, 2, &a, X).0);
            until_waiting(&locks, 2);
            let reader = scope.spawn(|| lock_timed(&locks, 3, &a, S).0);
            until_waiting(&locks, 3);
            assert_eq!(blockers_of(&locks, 3), vec![2]);
            let (result, elapsed) = lock_timed(&locks, 1, &b, X);
            assert_eq!(result, Err(LockError::Deadlock));
            assert!(elapsed < PROMPT, "{elapsed:?}");
            locks.release_all(1);
            assert_eq!(writer.join().unwrap(), Ok(Acquired::Granted));
            locks.release_all(2);
            assert_eq!(reader.join().unwrap(), Ok(Acquired::Granted));
        });
        locks.release_all(3);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn the_only_holder_upgrades_at_once_even_with_a_writer_queued() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, S);
        thread::scope(|scope| {
            let writer = scope.spawn(|| lock_timed(&locks, 2, &key, X).0);
            until_waiting(&locks, 2);
            assert_eq!(try_lock(&locks, 1, &key, X), Acquired::Granted);
            // 2 now waits for an X lock; a reader that comes now queues too.
            assert_eq!(
                locks.acquire(3, key.clone(), S, Wait::NoWait, &AtomicBool::new(false)),
                Err(LockError::NoWait)
            );
            locks.release_all(1);
            assert_eq!(writer.join().unwrap(), Ok(Acquired::Granted));
        });
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn an_upgrade_waits_for_the_other_holders_ahead_of_new_requests() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, S);
        try_lock(&locks, 2, &key, S);
        thread::scope(|scope| {
            let writer = scope.spawn(|| lock_timed(&locks, 3, &key, X).0);
            until_waiting(&locks, 3);
            // 1's upgrade waits for 2 only, not for 3, which waits for 1.
            let upgrade = scope.spawn(|| lock_timed(&locks, 1, &key, X).0);
            until_waiting(&locks, 1);
            assert_eq!(blockers_of(&locks, 1), vec![2]);
            locks.release_all(2);
            assert_eq!(upgrade.join().unwrap(), Ok(Acquired::Granted));
            assert!(!writer.is_finished());
            locks.release_all(1);
            assert_eq!(writer.join().unwrap(), Ok(Acquired::Granted));
        });
        locks.release_all(3);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn two_holders_upgrading_the_same_key_are_a_deadlock() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, S);
        try_lock(&locks, 2, &key, S);
        thread::scope(|scope| {
            let first = scope.spawn(|| lock_timed(&locks, 1, &key, X).0);
            until_waiting(&locks, 1);
            let (result, elapsed) = lock_timed(&locks, 2, &key, X);
            assert_eq!(result, Err(LockError::Deadlock));
            assert!(elapsed < PROMPT, "{elapsed:?}");
            locks.release_all(2);
            assert_eq!(first.join().unwrap(), Ok(Acquired::Granted));
        });
        assert_eq!(
            locks.acquire(2, key.clone(), S, Wait::NoWait, &AtomicBool::new(false)),
            Err(LockError::NoWait)
        );
        locks.release_all(1);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn nowait_fails_at_once_when_the_lock_is_held() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, S);
        let no_cancel = AtomicBool::new(false);
        assert_eq!(
            locks.acquire(2, key.clone(), X, Wait::NoWait, &no_cancel),
            Err(LockError::NoWait)
        );
        assert_eq!(
            locks.acquire(2, key.clone(), S, Wait::NoWait, &no_cancel),
            Ok(Acquired::Granted)
        );
        // An upgrade that would wait fails too, and 2 keeps its S lock.
        assert_eq!(
            locks.acquire(2, key.clone(), X, Wait::NoWait, &no_cancel),
            Err(LockError::NoWait)
        );
        assert!(locks.waiters().is_empty());
        locks.release_all(1);
        assert_eq!(try_lock(&locks, 2, &key, X), Acquired::Granted);
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn skip_locked_skips_only_what_would_wait() {
        let locks = LockManager::new();
        let no_cancel = AtomicBool::new(false);
        try_lock(&locks, 1, &row(1), X);
        let skip = |key: LockKey, mode| locks.acquire(2, key, mode, Wait::SkipLocked, &no_cancel);
        assert_eq!(skip(row(1), S), Ok(Acquired::Skipped));
        assert_eq!(skip(row(1), X), Ok(Acquired::Skipped));
        assert_eq!(skip(row(2), X), Ok(Acquired::Granted));
        assert!(locks.waiters().is_empty());
        assert_eq!(locks.locked_keys(), 2);
        locks.release_all(1);
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_cancelled_wait_returns_promptly_when_woken() {
        let locks = LockManager::new();
        let key = row(1);
        let cancel = AtomicBool::new(false);
        try_lock(&locks, 1, &key, X);
        thread::scope(|scope| {
            let waiter = scope.spawn(|| {
                let start = Instant::now();
                let result = locks.acquire(2, key.clone(), X, LONG, &cancel);
                (result, start.elapsed())
            });
            until_waiting(&locks, 2);
            cancel.store(true, Ordering::Release);
            locks.wake_all();
            let (result, elapsed) = waiter.join().unwrap();
            assert_eq!(result, Err(LockError::Cancelled));
            assert!(elapsed < PROMPT, "{elapsed:?}");
        });
        assert!(locks.waiters().is_empty());
        locks.release_all(1);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_cancel_flag_is_noticed_without_a_wake_up() {
        let locks = LockManager::new();
        let key = row(1);
        let cancel = AtomicBool::new(false);
        try_lock(&locks, 1, &key, S);
        thread::scope(|scope| {
            let waiter = scope.spawn(|| locks.acquire(2, key.clone(), X, LONG, &cancel));
            until_waiting(&locks, 2);
            let start = Instant::now();
            cancel.store(true, Ordering::Release);
            assert_eq!(waiter.join().unwrap(), Err(LockError::Cancelled));
            assert!(start.elapsed() < PROMPT, "{:?}", start.elapsed());
        });
        // A request that would wait with the flag already set fails without queueing.
        assert_eq!(
            locks.acquire(2, key.clone(), X, LONG, &cancel),
            Err(LockError::Cancelled)
        );
        locks.release_all(1);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_writer_queued_first_gets_the_lock_before_a_later_reader() {
        let locks = LockManager::new();
        let key = row(1);
        let (granted, order) = mpsc::channel();
        try_lock(&locks, 1, &key, S);
        thread::scope(|scope| {
            let (locks, key) = (&locks, &key);
            let writer_granted = granted.clone();
            let writer = scope.spawn(move || {
                let result = lock_timed(locks, 2, key, X).0;
                writer_granted.send(2).unwrap();
                result
            });
            until_waiting(locks, 2);
            // The reader is compatible with the holder, but not with the writer ahead of it.
            let reader = scope.spawn(move || {
                let result = lock_timed(locks, 3, key, S).0;
                granted.send(3).unwrap();
                result
            });
            until_waiting(locks, 3);
            assert_eq!(blockers_of(locks, 3), vec![2]);
            locks.release_all(1);
            assert_eq!(writer.join().unwrap(), Ok(Acquired::Granted));
            assert!(!reader.is_finished());
            locks.release_all(2);
            assert_eq!(reader.join().unwrap(), Ok(Acquired::Granted));
        });
        assert_eq!(order.iter().collect::<Vec<_>>(), vec![2, 3]);
        locks.release_all(3);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn readers_queued_behind_a_writer_are_granted_together() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, X);
        thread::scope(|scope| {
            let readers: Vec<_> = (2..6)
                .map(|txn| {
                    let reader = scope.spawn({
                        let (locks, key) = (&locks, &key);
                        move || lock_timed(locks, txn, key, S).0
                    });
                    until_waiting(&locks, txn);
                    reader
                })
                .collect();
            locks.release_all(1);
            for reader in readers {
                assert_eq!(reader.join().unwrap(), Ok(Acquired::Granted));
            }
        });
        for txn in 2..6 {
            locks.release_all(txn);
        }
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn table_and_row_keys_do_not_conflict() {
        let locks = LockManager::new();
        try_lock(&locks, 1, &LockKey::Table(1), X);
        assert_eq!(try_lock(&locks, 2, &row(1), X), Acquired::Granted);
        assert_eq!(
            try_lock(&locks, 2, &LockKey::Table(2), X),
            Acquired::Granted
        );
        assert_eq!(locks.locked_keys(), 3);
        locks.release_all(1);
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn a_timeout_too_long_to_represent_waits_without_a_deadline() {
        let locks = LockManager::new();
        let key = row(1);
        try_lock(&locks, 1, &key, X);
        thread::scope(|scope| {
            let waiter = scope.spawn(|| {
                locks.acquire(
                    2,
                    key.clone(),
                    S,
                    Wait::Timeout(Duration::MAX),
                    &AtomicBool::new(false),
                )
            });
            until_waiting(&locks, 2);
            locks.release_all(1);
            assert_eq!(waiter.join().unwrap(), Ok(Acquired::Granted));
        });
        locks.release_all(2);
        assert_eq!(locks.locked_keys(), 0);
    }

    #[test]
    fn releasing_nothing_is_harmless() {
        let locks = LockManager::new();
        locks.release_all(42);
        locks.wake_all();
        assert_eq!(locks.locked_keys(), 0);
        assert!(locks.waiters().is_empty());
    }

    /// A small deterministic random number generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
        }
    }

    #[derive(Default, Debug)]
    struct Tally {
        granted: usize,
        timeouts: usize,
        deadlocks: usize,
        unexpected: usize,
    }

    #[test]
    fn many_threads_locking_random_keys_finish_and_leave_nothing_locked() {
        const THREADS: u64 = 8;
        const ROUNDS: u64 = 500;
        const KEYS: u64 = 20;

        let locks = Arc::new(LockManager::new());
        // Per key: the number of S holders, or -1 while an X lock is held; checks exclusion.
        let holders: Arc<Vec<AtomicI64>> = Arc::new((0..KEYS).map(|_| AtomicI64::new(0)).collect());
        let violations = Arc::new(AtomicUsize::new(0));
        let (done, finished) = mpsc::channel();
        for worker in 0..THREADS {
            let (locks, holders, violations) = (locks.clone(), holders.clone(), violations.clone());
            let done = done.clone();
            thread::spawn(move || {
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (worker + 1));
                let mut tally = Tally::default();
                let no_cancel = AtomicBool::new(false);
                for round in 0..ROUNDS {
                    let txn = (worker << 32) | (round + 1);
                    let mut mine: HashMap<u64, LockMode> = HashMap::new();
                    for _ in 0..1 + rng.below(4) {
                        let k = rng.below(KEYS);
                        let mode = if rng.below(2) == 0 { S } else { X };
                        let wait = Wait::Timeout(Duration::from_millis(1 + rng.below(5)));
                        let key = LockKey::Row(1, Arc::from(k.to_be_bytes().to_vec()));
                        match locks.acquire(txn, key, mode, wait, &no_cancel) {
                            Ok(Acquired::Granted) => {
                                tally.granted += 1;
                                let count = &holders[k as usize];
                                let ok = match (mine.get(&k).copied(), mode) {
                                    (Some(X), _) | (Some(S), S) => true,
                                    (None, S) => count
                                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                                            (n >= 0).then_some(n + 1)
                                        })
                                        .is_ok(),
                                    (None, X) => count
                                        .compare_exchange(0, -1, Ordering::SeqCst, Ordering::SeqCst)
                                        .is_ok(),
                                    (Some(S), X) => count
                                        .compare_exchange(1, -1, Ordering::SeqCst, Ordering::SeqCst)
                                        .is_ok(),
                                };
                                if !ok {
                                    violations.fetch_add(1, Ordering::SeqCst);
                                }
                                if mine.get(&k) != Some(&X) {
                                    mine.insert(k, mode);
                                }
                                thread::yield_now();
                            }
                            // The statement fails; the transaction goes on with its locks.
                            Err(LockError::Timeout) => tally.timeouts += 1,
                            // The victim rolls back.
                            Err(LockError::Deadlock) => {
                                tally.deadlocks += 1;
                                break;
                            }
                            Ok(Acquired::Skipped) | Err(_) => {
                                tally.unexpected += 1;
                                break;
                            }
                        }
                    }
                    for (k, mode) in mine {
                        let count = &holders[k as usize];
                        let ok = match mode {
                            X => count
                                .compare_exchange(-1, 0, Ordering::SeqCst, Ordering::SeqCst)
                                .is_ok(),
                            S => count.fetch_sub(1, Ordering::SeqCst) > 0,
                        };
                        if !ok {
                            violations.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    locks.release_all(txn);
                }
                done.send(tally).unwrap();
            });
        }

        let deadline = Instant::now() + Duration::from_secs(120);
        let mut total = Tally::default();
        for _ in 0..THREADS {
            let left = deadline.saturating_duration_since(Instant::now());
            let tally = finished.recv_timeout(left).expect("the stress test hung");
            total.granted += tally.granted;
            total.timeouts += tally.timeouts;
            total.deadlocks += tally.deadlocks;
            total.unexpected += tally.unexpected;
        }
        eprintln!("{total:?}");
        assert_eq!(total.unexpected, 0, "{total:?}");
        assert_eq!(violations.load(Ordering::SeqCst), 0, "{total:?}");
        assert!(total.granted > 0, "{total:?}");
        assert_eq!(locks.locked_keys(), 0, "{total:?}");
        assert!(locks.waiters().is_empty(), "{total:?}");
    }
}
