//! Nothing lost under faults (issue 13): clients move money between accounts in transactions
//! while some roll back, some vanish mid-transaction, deadlocks and lock waits happen, and a
//! killer sends KILL QUERY and KILL CONNECTION at random. Afterwards the total is unchanged,
//! every balance matches the transfer log, every reported commit is there and nothing that was
//! not committed is.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::Conn;

use crate::util;

const ACCOUNTS: u64 = 8;
const START: i64 = 1000;
const WORKERS: u64 = 6;
const TRANSFERS: u64 = 40;

/// xorshift64: deterministic per worker, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

async fn connect(port: u16, ids: &Mutex<Vec<u32>>, worker: usize) -> Conn {
    let mut c = util::root_conn(port).await;
    c.query_drop("USE bank").await.unwrap();
    c.query_drop("SET SESSION innodb_lock_wait_timeout = 2")
        .await
        .unwrap();
    let id: Option<u32> = c.query_first("SELECT CONNECTION_ID()").await.unwrap();
    if let (Some(slot), Some(id)) = (ids.lock().unwrap().get_mut(worker), id) {
        *slot = id;
    }
    c
}

/// What happened to one transfer.
enum Outcome {
    Committed,
    NotCommitted,
    /// COMMIT was sent but the connection died before the answer.
    Unknown,
}

/// True for an error that ended the connection (KILL CONNECTION, I/O).
fn connection_lost(e: &mysql_async::Error) -> bool {
    !matches!(e, mysql_async::Error::Server(_))
}

async fn transfer(
    c: &mut Conn,
    id: u64,
    from: u64,
    to: u64,
    amount: u64,
    how: u64,
) -> Result<Outcome, mysql_async::Error> {
    c.query_drop("BEGIN").await?;
    c.query_drop(format!(
        "UPDATE acct SET bal = bal - {amount} WHERE id = {from}"
    ))
    .await?;
    if how == 0 {
        // The caller drops the connection with the transaction open.
        return Ok(Outcome::NotCommitted);
    }
    c.query_drop(format!(
        "UPDATE acct SET bal = bal + {amount} WHERE id = {to}"
    ))
    .await?;
    c.query_drop(format!(
        "INSERT INTO log VALUES ({id}, {from}, {to}, {amount})"
    ))
    .await?;
    if how == 1 {
        c.query_drop("ROLLBACK").await?;
        return Ok(Outcome::NotCommitted);
    }
    match c.query_drop("COMMIT").await {
        Ok(()) => Ok(Outcome::Committed),
        Err(e) if connection_lost(&e) => Ok(Outcome::Unknown),
        Err(e) => Err(e),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_survive_rollbacks_kills_deadlocks_and_vanishing_clients() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut admin = util::root_conn(port).await;
    for sql in [
        "CREATE DATABASE bank".to_string(),
        "CREATE TABLE bank.acct (id INT PRIMARY KEY, bal INT NOT NULL)".to_string(),
        "CREATE TABLE bank.log (id INT PRIMARY KEY, src INT, dst INT, amount INT)".to_string(),
        format!(
            "INSERT INTO bank.acct VALUES {}",
            (0..ACCOUNTS)
                .map(|i| format!("({i}, {START})"))
                .collect::<Vec<_>>()
                .join(",")
        ),
    ] {
        admin.query_drop(sql).await.unwrap();
    }
    let ids = Arc::new(Mutex::new(vec![0u32; WORKERS as usize]));
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for w in 0..WORKERS {
        let ids = ids.clone();
        let done = done.clone();
        workers.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (w + 1).wrapping_mul(0x2545_F491));
            let mut c = connect(port, &ids, w as usize).await;
            let (mut committed, mut unknown, mut errors) = (Vec::new(), Vec::new(), 0u32);
            for t in 0..TRANSFERS {
                let id = w * 1000 + t;
                let from = rng.next(ACCOUNTS);
                let to = (from + 1 + rng.next(ACCOUNTS - 1)) % ACCOUNTS;
                let amount = 1 + rng.next(50);
                let how = rng.next(10);
                match transfer(&mut c, id, from, to, amount, how).await {
                    Ok(Outcome::Committed) => committed.push(id),
                    Ok(Outcome::Unknown) => {
                        unknown.push(id);
                        c = connect(port, &ids, w as usize).await;
                    }
                    Ok(Outcome::NotCommitted) if how == 0 => {
                        // Vanish: no COMMIT, no ROLLBACK, no COM_QUIT.
                        drop(c);
                        c = connect(port, &ids, w as usize).await;
                    }
                    Ok(Outcome::NotCommitted) => {}
                    Err(e) if connection_lost(&e) => {
                        errors += 1;
                        c = connect(port, &ids, w as usize).await;
                    }
                    Err(e) => {
                        // 1213 (the transaction was rolled back), 1205 or 1317 (the statement
                        // was): either way the transfer is abandoned.
                        errors += 1;
                        let code = match &e {
                            mysql_async::Error::Server(s) => s.code,
                            _ => 0,
                        };
                        assert!(matches!(code, 1213 | 1205 | 1317), "{e:?}");
                        if c.query_drop("ROLLBACK").await.is_err() {
                            c = connect(port, &ids, w as usize).await;
                        }
                    }
                }
            }
            drop(c);
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            (committed, unknown, errors)
        }));
    }
    // The killer: KILL QUERY or KILL CONNECTION on a random worker every few milliseconds
    // until the workers are done (at most 400 kills).
    let mut rng = Rng(0xDEAD_BEEF);
    let mut kills = 0;
    while done.load(std::sync::atomic::Ordering::SeqCst) < WORKERS as usize && kills < 400 {
        let target = ids.lock().unwrap()[rng.next(WORKERS) as usize];
        let kind = if rng.next(3) == 0 {
            "CONNECTION"
        } else {
            "QUERY"
        };
        // The target may have just reconnected: 1094 (unknown thread) is fine.
        let _ = admin.query_drop(format!("KILL {kind} {target}")).await;
        kills += 1;
        tokio::time::sleep(Duration::from_millis(5 + rng.next(20))).await;
    }
    let (mut committed, mut unknown, mut errors) = (BTreeSet::new(), BTreeSet::new(), 0);
    for w in workers {
        let (c, u, e) = w.await.unwrap();
        committed.extend(c);
        unknown.extend(u);
        errors += e;
    }
    let logged: Vec<(u64, u64, u64, i64)> = admin
        .query("SELECT id, src, dst, amount FROM bank.log")
        .await
        .unwrap();
    let logged_ids: BTreeSet<u64> = logged.iter().map(|r| r.0).collect();
    assert!(
        committed.is_subset(&logged_ids),
        "reported commits missing: {:?}",
        committed.difference(&logged_ids).collect::<Vec<_>>()
    );
    let allowed: BTreeSet<u64> = committed.union(&unknown).copied().collect();
    assert!(
        logged_ids.is_subset(&allowed),
        "uncommitted transfers visible: {:?}",
        logged_ids.difference(&allowed).collect::<Vec<_>>()
    );
    let balances: Vec<(u64, i64)> = admin
        .query("SELECT id, bal FROM bank.acct ORDER BY id")
        .await
        .unwrap();
    assert_eq!(balances.len() as u64, ACCOUNTS);
    let total: i64 = balances.iter().map(|b| b.1).sum();
    assert_eq!(total, START * ACCOUNTS as i64, "money appeared or vanished");
    for (acct, bal) in &balances {
        let out: i64 = logged.iter().filter(|r| r.1 == *acct).map(|r| r.3).sum();
        let inn: i64 = logged.iter().filter(|r| r.2 == *acct).map(|r| r.3).sum();
        assert_eq!(*bal, START - out + inn, "account {acct}");
    }
    assert!(!committed.is_empty(), "some transfers commit");
    eprintln!(
        "faults: {} transfers, {} committed, {} unknown, {} failed, {kills} kills",
        WORKERS * TRANSFERS,
        committed.len(),
        unknown.len(),
        errors
    );
    // The server still serves normally and holds only the admin connection.
    let one: Option<i64> = admin.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    drop(admin);
    util::wait_for_connections(&server, 0).await;
    server.shutdown().await;
}
