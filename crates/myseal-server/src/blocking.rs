//! [`BlockingTestServer`]: a [`TestServer`] for tests without an async runtime. The server runs
//! on a single-threaded tokio runtime owned by a thread of its own.

use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::fixture::{endpoint_methods, Endpoint, TestServer};
use crate::{Server, ServerError};

/// A test server for synchronous tests, from `Builder::start_blocking`.
///
/// It has [`TestServer`]'s accessors and connection options. [`BlockingTestServer::shutdown`]
/// and `Drop` both stop the server, wait for its connections to close, and end its runtime
/// thread, so nothing of it is left afterwards. (Dropped inside an async runtime, where
/// waiting would block that runtime, it does not wait for connections: they are cut when the
/// server's runtime ends.)
pub struct BlockingTestServer {
    endpoint: Endpoint,
    inner: Option<TestServer>,
    runtime: tokio::runtime::Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for BlockingTestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingTestServer")
            .field("server", &self.inner)
            .finish_non_exhaustive()
    }
}

impl BlockingTestServer {
    /// Runs `start` (a `Builder::start` future) on a runtime thread of its own and waits for it.
    pub(crate) fn start<F>(start: F) -> Result<BlockingTestServer, ServerError>
    where
        F: std::future::Future<Output = Result<TestServer, ServerError>>,
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(ServerError::Config(
                "start_blocking() was called inside an async runtime; use start().await there"
                    .into(),
            ));
        }
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("myseal-runtime".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = handle_tx.send(Err(e));
                        return;
                    }
                };
                let _ = handle_tx.send(Ok(runtime.handle().clone()));
                // Drives the server's tasks until told to stop (or the handle is gone);
                // dropping the runtime then ends whatever is left of them.
                runtime.block_on(async move {
                    let _ = stopped.await;
                });
            })
            .map_err(|source| ServerError::Io {
                what: "cannot start the server's runtime thread".into(),
                source,
            })?;
        let runtime = match handle_rx.recv() {
            Ok(Ok(handle)) => handle,
            Ok(Err(source)) => {
                let _ = thread.join();
                return Err(ServerError::Io {
                    what: "cannot start the server's runtime".into(),
                    source,
                });
            }
            Err(_) => {
                let _ = thread.join();
                return Err(ServerError::Config(
                    "the server's runtime thread ended before it started".into(),
                ));
            }
        };
        // Runs on this thread inside the runtime's context: the listener and the sessions are
        // spawned onto the runtime, whose thread drives them.
        let inner = match runtime.block_on(start) {
            Ok(inner) => inner,
            Err(e) => {
                let _ = stop.send(());
                let _ = thread.join();
                return Err(e);
            }
        };
        Ok(BlockingTestServer {
            endpoint: inner.endpoint().clone(),
            inner: Some(inner),
            runtime,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    endpoint_methods!();

    /// The embedded server (`None` for an external one).
    pub fn server(&self) -> Option<&Server> {
        self.inner.as_ref().and_then(TestServer::server)
    }

    /// [`TestServer::snapshot`].
    pub fn snapshot(&self) -> Result<crate::Snapshot, ServerError> {
        self.handle()?.snapshot()
    }

    /// [`TestServer::restore`].
    pub fn restore(&self, snap: &crate::Snapshot) -> Result<(), ServerError> {
        self.handle()?.restore(snap)
    }

    /// [`TestServer::clone_database`].
    pub fn clone_database(&self, src: &str, dst: &str) -> Result<(), ServerError> {
        self.handle()?.clone_database(src, dst)
    }

    fn handle(&self) -> Result<&TestServer, ServerError> {
        self.inner
            .as_ref()
            .ok_or_else(|| ServerError::Config("the test server was shut down".into()))
    }

    /// Stops the server, waits for its connections to close ([`Server::shutdown`]) and ends
    /// its runtime thread.
    pub fn shutdown(mut self) {
        self.stop_and_join(true);
    }

    fn stop_and_join(&mut self, wait: bool) {
        if let Some(inner) = self.inner.take() {
            if wait {
                self.runtime.block_on(inner.shutdown());
            } else {
                drop(inner);
            }
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the test server's runtime thread panicked");
            }
        }
    }
}

impl Drop for BlockingTestServer {
    fn drop(&mut self) {
        // Handle::block_on panics inside a runtime; there, stop without waiting.
        let wait = tokio::runtime::Handle::try_current().is_err();
        self.stop_and_join(wait);
    }
}
