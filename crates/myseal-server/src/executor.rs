//! The engine's threads: statements run here, off the async runtime's workers.
//!
//! A statement may scan a million rows, wait 50 s for a row lock or recurse deep into a nested
//! expression; none of that may stall other connections or overflow an async worker's small
//! stack. Each statement is handed to a pool of plain threads with large stacks. A thread is
//! reused when one is idle and started when none is (a session waiting for a lock holds its
//! thread, as in MySQL's thread-per-connection model); idle threads end after a while. A panic
//! in a statement ends that job only: the caller gets [`Panicked`] and closes its connection.
//!
//! The pool belongs to one server: [`Executor::close`] (at the end of a shutdown) ends its idle
//! threads and joins them, and dropping the pool ends them without waiting, so a process that
//! starts and stops many servers keeps no threads of the stopped ones.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Stack of an engine thread: deep expressions and plans recurse.
const STACK_SIZE: usize = 64 << 20;
/// An idle thread ends after this long.
const IDLE: Duration = Duration::from_secs(30);
/// Upper bound on engine threads (a job beyond it waits for a free thread).
const MAX_THREADS: usize = 4096;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A job panicked.
#[derive(Debug)]
pub(crate) struct Panicked;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    idle: usize,
    threads: usize,
    /// No new threads; idle ones end once the queue is empty.
    closed: bool,
    /// The threads started, to join them on close (finished ones are pruned as new ones start).
    handles: Vec<JoinHandle<()>>,
}

/// The pool of engine threads.
#[derive(Default)]
pub(crate) struct Executor {
    queue: Arc<(Mutex<Queue>, Condvar)>,
}

impl Executor {
    /// Runs `f` on an engine thread and waits (asynchronously) for its result.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Panicked> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let r = catch_unwind(AssertUnwindSafe(f)).map_err(|_| Panicked);
            let _ = tx.send(r);
        });
        self.submit(job);
        rx.await.unwrap_or(Err(Panicked))
    }

    fn submit(&self, job: Job) {
        let (lock, cv) = &*self.queue;
        let mut q = lock.lock().unwrap_or_else(PoisonError::into_inner);
        q.jobs.push_back(job);
        if q.idle >= q.jobs.len() || q.threads >= MAX_THREADS {
            cv.notify_one();
            return;
        }
        q.threads += 1;
        drop(q);
        let queue = self.queue.clone();
        let spawned = std::thread::Builder::new()
            .name("myseal-engine".into())
            .stack_size(STACK_SIZE)
            .spawn(move || worker(&queue));
        let mut q = lock.lock().unwrap_or_else(PoisonError::into_inner);
        match spawned {
            Ok(handle) => {
                q.handles.retain(|h| !h.is_finished());
                q.handles.push(handle);
            }
            Err(e) => {
                tracing::error!("cannot start an engine thread: {e}");
                q.threads = q.threads.saturating_sub(1);
                cv.notify_one();
            }
        }
    }

    /// Ends the pool: idle threads end now, busy ones after their job (and any still queued).
    /// Waits up to `wait` for them and joins those that ended; a thread still running a job
    /// after that is left to end on its own.
    pub(crate) fn close(&self, wait: Duration) {
        let (lock, cv) = &*self.queue;
        let mut q = lock.lock().unwrap_or_else(PoisonError::into_inner);
        q.closed = true;
        cv.notify_all();
        let deadline = Instant::now() + wait;
        while q.threads > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                tracing::warn!("{} engine thread(s) still busy after shutdown", q.threads);
                break;
            }
            q = cv
                .wait_timeout(q, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let handles = std::mem::take(&mut q.handles);
        drop(q);
        for handle in handles {
            if handle.is_finished() {
                let _ = handle.join();
            }
        }
    }

    /// Engine threads alive (running a job or idle).
    #[cfg(test)]
    fn threads(&self) -> usize {
        let (lock, _) = &*self.queue;
        lock.lock().unwrap_or_else(PoisonError::into_inner).threads
    }
}

impl Drop for Executor {
    /// Idle threads end at once instead of after [`IDLE`]; nothing waits for them.
    fn drop(&mut self) {
        let (lock, cv) = &*self.queue;
        lock.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        cv.notify_all();
    }
}

fn worker(queue: &(Mutex<Queue>, Condvar)) {
    let (lock, cv) = queue;
    let mut q = lock.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if let Some(job) = q.jobs.pop_front() {
            drop(q);
            job();
            q = lock.lock().unwrap_or_else(PoisonError::into_inner);
            continue;
        }
        if q.closed {
            break;
        }
        q.idle += 1;
        let (guard, timeout) = cv
            .wait_timeout(q, IDLE)
            .unwrap_or_else(PoisonError::into_inner);
        q = guard;
        q.idle -= 1;
        if timeout.timed_out() && q.jobs.is_empty() {
            break;
        }
    }
    q.threads = q.threads.saturating_sub(1);
    // `close` waits for the count to reach zero.
    cv.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_and_return_their_results() {
        let ex = Executor::default();
        let mut handles = Vec::new();
        for i in 0..32u64 {
            handles.push(ex.run(move || i * 2));
        }
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        assert_eq!(sum, (0..32u64).map(|i| i * 2).sum::<u64>());
    }

    #[tokio::test]
    async fn a_panicking_job_is_reported_and_the_pool_goes_on() {
        let ex = Executor::default();
        let r = ex.run(|| -> u32 { panic!("boom") }).await;
        assert!(r.is_err());
        assert_eq!(ex.run(|| 7).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn closing_ends_and_joins_idle_threads_and_dropping_ends_them() {
        let ex = Executor::default();
        let both = tokio::join!(ex.run(|| 1), ex.run(|| 2));
        assert_eq!((both.0.unwrap(), both.1.unwrap()), (1, 2));
        assert!(ex.threads() >= 1);
        ex.close(Duration::from_secs(10));
        assert_eq!(ex.threads(), 0);
        let (lock, _) = &*ex.queue;
        assert!(lock.lock().unwrap().handles.is_empty());

        let ex = Executor::default();
        assert_eq!(ex.run(|| 3).await.unwrap(), 3);
        let queue = ex.queue.clone();
        drop(ex);
        let (lock, cv) = &*queue;
        let q = lock.lock().unwrap();
        let (q, timeout) = cv
            .wait_timeout_while(q, Duration::from_secs(10), |q| q.threads > 0)
            .unwrap();
        assert!(!timeout.timed_out(), "{} thread(s) left", q.threads);
    }

    #[tokio::test]
    async fn jobs_have_a_deep_stack() {
        fn depth(n: u32) -> u32 {
            let pad = [n; 64];
            if n == 0 {
                pad[0]
            } else {
                depth(n - 1) + pad[1] - n + 1
            }
        }
        let ex = Executor::default();
        assert_eq!(ex.run(|| depth(50_000)).await.unwrap(), 50_000);
    }
}
