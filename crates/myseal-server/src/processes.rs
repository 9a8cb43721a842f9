//! The connection registry: what SHOW PROCESSLIST lists and what KILL acts on.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/kill.html>
//!
//! Each authenticated connection registers a [`Process`] for its lifetime (a guard removes it).
//! KILL QUERY sets the statement's cancel flag, which running operators and lock waits check;
//! KILL CONNECTION also marks the connection killed and wakes its command loop, which closes it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use dashmap::DashMap;
use myseal_engine::{ProcessRow, Processes};

/// One connection's visible state.
pub(crate) struct Process {
    pub(crate) id: u32,
    /// The account: user name and host pattern (MAX_USER_CONNECTIONS counts per account);
    /// COM_CHANGE_USER changes it.
    account: Mutex<(String, String)>,
    host: String,
    state: Mutex<State>,
    /// The running statement's cancel flag (shared with the engine session).
    cancel: Arc<AtomicBool>,
    killed: AtomicBool,
    pub(crate) kill: tokio::sync::Notify,
}

struct State {
    db: Option<String>,
    command: &'static str,
    info: Option<String>,
    since: Instant,
}

impl Process {
    /// Records what the connection is doing (`Query` with its text, `Sleep`, ...).
    pub(crate) fn set(&self, command: &'static str, info: Option<String>, db: Option<String>) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.command = command;
        s.info = info;
        s.db = db;
        s.since = Instant::now();
    }

    /// COM_CHANGE_USER: the connection now belongs to another account.
    pub(crate) fn set_account(&self, user: &str, account_host: &str) {
        *self.account.lock().unwrap_or_else(PoisonError::into_inner) =
            (user.to_string(), account_host.to_string());
    }

    fn account(&self) -> (String, String) {
        self.account
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// True after KILL CONNECTION.
    pub(crate) fn killed(&self) -> bool {
        self.killed.load(Ordering::Acquire)
    }
}

/// All connections.
#[derive(Default)]
pub(crate) struct Registry {
    map: DashMap<u32, Arc<Process>>,
}

/// Removes a process from the registry when its connection ends.
pub(crate) struct Registered {
    registry: Arc<Registry>,
    pub(crate) process: Arc<Process>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry.map.remove(&self.process.id);
    }
}

impl Registry {
    /// Registers a connection.
    pub(crate) fn register(
        self: &Arc<Self>,
        id: u32,
        (user, account_host): (&str, &str),
        host: &str,
        db: Option<String>,
        cancel: Arc<AtomicBool>,
    ) -> Registered {
        let process = Arc::new(Process {
            id,
            account: Mutex::new((user.to_string(), account_host.to_string())),
            host: host.to_string(),
            state: Mutex::new(State {
                db,
                command: "Sleep",
                info: None,
                since: Instant::now(),
            }),
            cancel,
            killed: AtomicBool::new(false),
            kill: tokio::sync::Notify::new(),
        });
        self.map.insert(id, process.clone());
        Registered {
            registry: self.clone(),
            process,
        }
    }
}

impl Registry {
    /// Connections of the account `user`@`account_host` (MAX_USER_CONNECTIONS), leaving out
    /// the connection `except`.
    pub(crate) fn count_account(
        &self,
        user: &str,
        account_host: &str,
        except: Option<u32>,
    ) -> usize {
        self.map
            .iter()
            .filter(|e| Some(e.value().id) != except)
            .filter(|e| {
                let (u, h) = e.value().account();
                u == user && h == account_host
            })
            .count()
    }
}

impl Processes for Registry {
    fn kill(&self, id: u32, query_only: bool, _by: u32) -> bool {
        let Some(p) = self.map.get(&id).map(|e| e.value().clone()) else {
            return false;
        };
        p.cancel.store(true, Ordering::Release);
        if !query_only {
            p.killed.store(true, Ordering::Release);
            p.kill.notify_one();
        }
        true
    }

    fn list(&self) -> Vec<ProcessRow> {
        self.map
            .iter()
            .map(|e| {
                let p = e.value();
                let s = p.state.lock().unwrap_or_else(PoisonError::into_inner);
                ProcessRow {
                    id: p.id,
                    user: p.account().0,
                    host: p.host.clone(),
                    db: s.db.clone(),
                    command: if p.killed() { "Killed" } else { s.command }.to_string(),
                    time: s.since.elapsed().as_secs(),
                    state: if s.command == "Query" {
                        "executing".into()
                    } else {
                        String::new()
                    },
                    info: s.info.clone(),
                }
            })
            .collect()
    }
}
