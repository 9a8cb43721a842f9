//! Accepts TCP connections, enforces `max_connections`, spawns one session task per connection and
//! stops them all on shutdown (the mini-redis `Listener` shape, but at the limit the client gets
//! ERROR 1040 instead of waiting).

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use myseal_wire::response::ErrPacket;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

use crate::status::Counters;
use crate::tls::PortFault;
use crate::Shared;

/// One listening socket: the main port (no fault unless `--tls-fault`), or a `--tls-fault-port`.
pub(crate) struct Listening {
    pub(crate) listener: TcpListener,
    pub(crate) fault: Option<Arc<PortFault>>,
}

pub(crate) async fn run(
    listeners: Vec<Listening>,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) {
    // Every accept loop and session holds a clone of `done_tx`; when all are dropped,
    // `done_rx` yields None.
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
    for l in listeners {
        tokio::spawn(accept_loop(
            l,
            shared.clone(),
            stop.clone(),
            done_tx.clone(),
        ));
    }
    drop(done_tx);
    let _ = done_rx.recv().await;
}

async fn accept_loop(
    Listening { listener, fault }: Listening,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
    done_tx: mpsc::Sender<()>,
) {
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
                Counters::inc(&shared.counters.connection_errors_accept);
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
        // One connection past max_connections is kept for an account with CONNECTION_ADMIN
        // (or SUPER), as in MySQL; the session checks the account once it is known.
        if open > max {
            Counters::inc(&shared.counters.connection_errors_max_connections);
            tokio::spawn(refuse_too_many(tcp));
            continue;
        }
        let reserved = open == max;
        let id = shared.next_connection_id.fetch_add(1, Relaxed);
        let slot = shared.counters.connection_opened();
        let shared = shared.clone();
        let stop = stop.clone();
        let done = done_tx.clone();
        let fault = fault.clone();
        tokio::spawn(async move {
            let session = crate::session::run(shared.clone(), tcp, peer, id, reserved, stop, fault);
            if let Err(panic) = CatchUnwind(Box::pin(session)).await {
                // The session's state (its transaction, locks and process entry) was dropped
                // while unwinding; the slot below gives back its place in max_connections.
                Counters::inc(&shared.counters.aborted_clients);
                tracing::error!(conn = id, "session panicked: {}", panic_message(&*panic));
            }
            drop(slot);
            drop(done);
        });
    }
    drop(listener);
    drop(done_tx);
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

/// A future whose panic becomes an `Err` with the panic's payload, so that one session's bug
/// ends that session only and is logged as an error.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// The message of a panic payload (`panic!` with a literal or with format arguments).
fn panic_message(panic: &(dyn Any + Send)) -> &str {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_session_ends_alone_and_gives_back_its_slot() {
        let counters = Arc::new(Counters::new(Arc::new(crate::tls::RsaKeys::Files(None))));
        let slot = counters.connection_opened();
        let other = counters.connection_opened();
        assert_eq!(counters.threads_connected.load(Relaxed), 2);
        let session = async move {
            let _slot = slot;
            tokio::task::yield_now().await;
            panic!("session bug {}", 7);
        };
        let out = CatchUnwind(Box::pin(session)).await;
        let panic = out.expect_err("the panic is caught");
        assert_eq!(panic_message(&*panic), "session bug 7");
        assert_eq!(counters.threads_connected.load(Relaxed), 1);
        // A session that returns is passed through.
        let ok = CatchUnwind(Box::pin(async { 5 })).await;
        assert_eq!(ok.ok(), Some(5));
        drop(other);
        assert_eq!(counters.threads_connected.load(Relaxed), 0);
    }
}
