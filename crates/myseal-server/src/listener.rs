//! Accepts TCP connections, enforces `max_connections`, spawns one session task per connection and
//! stops them all on shutdown (the mini-redis `Listener` shape, but at the limit the client gets
//! ERROR 1040 instead of waiting).

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use myseal_wire::response::ErrPacket;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

use crate::status::Counters;
use crate::Shared;

pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    // Every session holds a clone of `done_tx`; when all are dropped, `done_rx` yields None.
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
    let mut backoff = Duration::from_millis(5);
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stop.changed() => break,
        };
        let (tcp, peer) = match accepted {
            Ok(x) => {
                backoff = Duration::from_millis(5);
                x
            }
            Err(e) => {
                // EMFILE and friends: wait a little instead of spinning.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let open = shared.counters.threads_connected.load(Relaxed) as usize;
        // SET GLOBAL max_connections applies to the next accept.
        let max = shared
            .engine
            .global_variable("max_connections")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(shared.config.max_connections);
        if open >= max {
            Counters::inc(&shared.counters.connection_errors_max_connections);
            tokio::spawn(refuse_too_many(tcp));
            continue;
        }
        let id = shared.next_connection_id.fetch_add(1, Relaxed);
        shared.counters.connection_opened();
        let shared = shared.clone();
        let stop = stop.clone();
        let done = done_tx.clone();
        tokio::spawn(async move {
            crate::session::run(shared.clone(), tcp, peer, id, stop).await;
            drop(done);
        });
    }
    drop(listener);
    drop(done_tx);
    let _ = done_rx.recv().await;
}

/// ERROR 1040 (08004) "Too many connections", sent instead of the greeting, like MySQL.
async fn refuse_too_many(mut tcp: TcpStream) {
    let mut payload = Vec::new();
    ErrPacket::new(1040, "08004", "Too many connections").encode(&mut payload);
    let mut framed = bytes::BytesMut::new();
    myseal_wire::codec::encode_packet(&mut framed, 0, &payload);
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let _ = tcp.write_all(&framed).await;
        let _ = tcp.shutdown().await;
    })
    .await;
}
