//! The engine's threads: statements run here, off the async runtime's workers.
//!
//! A statement may scan a million rows, wait 50 s for a row lock or recurse deep into a nested
//! expression; none of that may stall other connections or overflow an async worker's small
//! stack. Each statement is handed to a pool of plain threads with large stacks. A thread is
//! reused when one is idle and started when none is (a session waiting for a lock holds its
//! thread, as in MySQL's thread-per-connection model); idle threads end after a while. A panic
//! in a statement ends that job only: the caller gets [`Panicked`] and closes its connection.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

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
        if let Err(e) = spawned {
            tracing::error!("cannot start an engine thread: {e}");
            let mut q = lock.lock().unwrap_or_else(PoisonError::into_inner);
            q.threads = q.threads.saturating_sub(1);
            cv.notify_one();
        }
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
        q.idle += 1;
        let (guard, timeout) = cv
            .wait_timeout(q, IDLE)
            .unwrap_or_else(PoisonError::into_inner);
        q = guard;
        q.idle -= 1;
        if timeout.timed_out() && q.jobs.is_empty() {
            q.threads = q.threads.saturating_sub(1);
            return;
        }
    }
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
        assert_eq!(sum, (0..32u64).map(|i| i * 2).sum());
    }

    #[tokio::test]
    async fn a_panicking_job_is_reported_and_the_pool_goes_on() {
        let ex = Executor::default();
        let r = ex.run(|| -> u32 { panic!("boom") }).await;
        assert!(r.is_err());
        assert_eq!(ex.run(|| 7).await.unwrap(), 7);
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
