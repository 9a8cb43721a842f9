//! The server's TLS stream: tokio-rustls's, plus one duty it leaves out.
//!
//! rustls answers some records that arrive while the server is only reading (a TLS 1.2
//! renegotiation ClientHello gets a `no_renegotiation` warning alert, a TLS 1.3 KeyUpdate that
//! asks for one gets the server's own KeyUpdate), but tokio-rustls sends what rustls queued only
//! on the next write or flush. A server waiting for the client's next packet writes nothing, so
//! a client that asked to renegotiate would wait for the refusal until a timeout ended the
//! connection. [`ServerStream`] flushes after every read that left TLS records to send.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use rustls::ServerConnection;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// An established server-side TLS stream (see the module docs).
#[derive(Debug)]
pub struct ServerStream<IO>(tokio_rustls::server::TlsStream<IO>);

impl<IO> ServerStream<IO> {
    pub(crate) fn new(inner: tokio_rustls::server::TlsStream<IO>) -> Self {
        ServerStream(inner)
    }

    /// The underlying stream and the rustls connection.
    pub fn get_ref(&self) -> (&IO, &ServerConnection) {
        self.0.get_ref()
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncRead for ServerStream<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let read = Pin::new(&mut self.0).poll_read(cx, buf);
        if self.0.get_ref().1.wants_write() {
            // Best effort: a write error shows on the next read or write; Pending has
            // registered the waker for when the socket can take the rest.
            if let Poll::Ready(Err(e)) = Pin::new(&mut self.0).poll_flush(cx) {
                if read.is_pending() {
                    return Poll::Ready(Err(e));
                }
            }
        }
        read
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncWrite for ServerStream<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
