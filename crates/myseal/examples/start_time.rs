//! How long an in-process test server takes to start: `Server::builder()...start().await` to a
//! ready handle, certificates generated in memory, median of 100 starts (after one warm-up).
//!
//! `cargo run --release -p myseal --example start_time`
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use myseal::{Account, Server};

const STARTS: usize = 100;

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{name}: median {:.2} ms, p90 {:.2} ms, min {:.2} ms, max {:.2} ms over {} starts",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let bare = || Server::builder().embedded().root_password("pw");
    let seeded = || {
        bare()
            .database("app")
            .account(Account::new("app", "app-pw").grant("ALL ON app.*"))
            .init_sql("CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(40))")
    };
    for (name, builder) in [
        ("bare server", &bare as &dyn Fn() -> myseal::Builder),
        ("with a database, an account and a table", &seeded),
    ] {
        builder().start().await.unwrap().shutdown().await;
        let mut times = Vec::with_capacity(STARTS);
        for _ in 0..STARTS {
            let builder = builder();
            let t = Instant::now();
            let server = builder.start().await.unwrap();
            times.push(t.elapsed());
            server.shutdown().await;
        }
        summary(name, times);
    }
}
