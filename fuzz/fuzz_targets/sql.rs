//! The SQL front end: arbitrary text (lossily converted to UTF-8) run through
//! `myseal_engine::Engine::execute` as `root` on a small schema (database `d`, tables `t` and `u`
//! with a secondary index, a foreign key and a few rows), multi-statements on.
//!
//! Each input gets a fresh engine (so a crash reproduces from its input alone) and a budget: the
//! session's cancel flag (KILL QUERY) is raised after [`BUDGET`], so a legitimately slow statement
//! (a huge cross join, SLEEP) ends with ER 1317 instead of being reported as a hang.
#![no_main]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use myseal_auth::account::AccountStore;
use myseal_engine::{Engine, EngineConfig, SessionInfo, StatusSource};

const BUDGET: Duration = Duration::from_millis(500);

const SCHEMA: &str = "\
CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), b DOUBLE, c DATETIME, KEY ka (a));\
CREATE TABLE u (id INT PRIMARY KEY AUTO_INCREMENT, t_id INT, j JSON, d DECIMAL(10,2), \
  s SET('x','y'), e ENUM('p','q'), FOREIGN KEY (t_id) REFERENCES t (id) ON DELETE CASCADE);\
INSERT INTO t VALUES (1,'one',1.5,'2024-01-02 03:04:05'),(2,'two',NULL,NULL),(3,'Three',-2,'1999-12-31 23:59:59');\
INSERT INTO u (t_id, j, d, s, e) VALUES (1,'{\"k\": [1, 2]}',10.25,'x,y','p'),(3,'[null]',-1,'','q')";

struct NoStatus;

impl StatusSource for NoStatus {
    fn global_status(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Raises `flag` once a run has taken longer than [`BUDGET`].
struct Watchdog {
    started: Mutex<Option<Instant>>,
    flag: Arc<AtomicBool>,
}

fn watchdog() -> &'static Watchdog {
    static W: OnceLock<Watchdog> = OnceLock::new();
    W.get_or_init(|| {
        std::thread::spawn(|| loop {
            std::thread::sleep(Duration::from_millis(20));
            let w = watchdog();
            let late = w
                .started
                .lock()
                .map(|s| s.is_some_and(|t| t.elapsed() > BUDGET))
                .unwrap_or(false);
            if late {
                w.flag.store(true, Ordering::Relaxed);
            }
        });
        Watchdog {
            started: Mutex::new(None),
            flag: Arc::new(AtomicBool::new(false)),
        }
    })
}

fn set_started(w: &Watchdog, at: Option<Instant>) {
    if let Ok(mut s) = w.started.lock() {
        *s = at;
    }
}

fn engine() -> Engine {
    let e = Engine::new(
        EngineConfig::default(),
        Arc::new(NoStatus),
        Arc::new(AccountStore::new()),
    )
    .expect("engine");
    e.create_database("d", false).expect("database d");
    e.grant_all_privileges("root", "%");
    e
}

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    let w = watchdog();
    let e = engine();
    let mut s = e.new_session(SessionInfo {
        connection_id: 1,
        user: "root".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: Some("d".into()),
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    });
    s.set_multi_statements(true);
    let (_, err) = e.execute(&mut s, SCHEMA);
    assert!(err.is_none(), "schema: {err:?}");
    w.flag.store(false, Ordering::Relaxed);
    s.set_cancel_flag(Arc::clone(&w.flag));
    set_started(w, Some(Instant::now()));
    let _ = e.execute(&mut s, &sql);
    s.rollback_open_transaction(&e);
    set_started(w, None);
});
