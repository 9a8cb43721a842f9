//! Byte streams and MySQL packet I/O for one connection.
//!
//! [`PacketIo`] owns the stream and a read buffer, loops "decode what is buffered, else read more"
//! (the mini-redis `Connection` shape) and tracks the sequence id. [`Prefixed`] replays bytes that were
//! read past the SSLRequest — they are the start of the client's TLS ClientHello.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use myseal_wire::codec::{self, Packet};
use myseal_wire::WireError;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::watch;

use crate::processes::Process;

/// Anything a session can talk over: a TCP stream or a TLS stream over one.
pub(crate) trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A boxed stream, so the session code exists once for plain and TLS connections.
pub(crate) type BoxIo = Box<dyn Io>;

/// Initial and idle capacity of the read buffer; larger packets grow it and it shrinks back afterwards.
const READ_BUF: usize = 1024;

/// Why reading a packet failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// The peer closed the connection cleanly between packets.
    #[error("connection closed by client")]
    Closed,
    /// The peer closed the connection in the middle of a packet.
    #[error("connection closed by client in the middle of a packet")]
    ClosedMidPacket,
    /// The bytes are not MySQL packets, or one is larger than allowed.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// Socket or TLS error.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// How long closing a connection may wait for the client to take the last bytes.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// MySQL's default `net_write_timeout` (seconds), used until a session sets its own.
const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// What ends a write that the client does not read, besides `net_write_timeout`: the server's
/// stop signal and KILL CONNECTION.
pub(crate) struct WriteAbort {
    pub(crate) stop: watch::Receiver<bool>,
    pub(crate) process: Arc<Process>,
}

/// MySQL packet reader/writer over a stream.
pub(crate) struct PacketIo<S> {
    stream: S,
    rbuf: BytesMut,
    wbuf: BytesMut,
    /// How long one flush may wait for the client to take the bytes (`net_write_timeout`).
    pub(crate) write_timeout: Duration,
    /// Set once the connection is established (see [`WriteAbort`]).
    abort: Option<Box<WriteAbort>>,
    /// Sequence id of the next packet to write.
    pub(crate) seq: u8,
    /// Bytes read and written, for status counters (see [`PacketIo::traffic`]).
    pub(crate) bytes_received: u64,
    pub(crate) bytes_sent: u64,
    /// Set when the stream is compressed (`crate::compress`): its wire byte counts, and the
    /// compressed sequence id that packet ids follow after each read and flush.
    compressed: Option<Arc<Link>>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> PacketIo<S> {
    pub(crate) fn new(stream: S) -> Self {
        PacketIo {
            stream,
            rbuf: BytesMut::with_capacity(READ_BUF),
            wbuf: BytesMut::new(),
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            abort: None,
            seq: 0,
            bytes_received: 0,
            bytes_sent: 0,
            compressed: None,
        }
    }

    /// Marks the stream as compressed (see `crate::compress::enable`).
    pub(crate) fn set_compressed(&mut self, link: Arc<Link>) {
        self.compressed = Some(link);
    }

    #[cfg(test)]
    pub(crate) fn compressed_link(&self) -> Option<Arc<Link>> {
        self.compressed.clone()
    }

    /// Bytes received and sent on the wire (after compression, when compressed).
    pub(crate) fn traffic(&self) -> (u64, u64) {
        match &self.compressed {
            Some(link) => link.traffic(),
            None => (self.bytes_received, self.bytes_sent),
        }
    }

    /// Reads one logical packet of at most `max_payload` bytes. The next written packet continues the
    /// sequence after it.
    pub(crate) async fn read_packet(&mut self, max_payload: usize) -> Result<Packet, ReadError> {
        loop {
            if let Some(packet) = codec::decode_packet(&mut self.rbuf, max_payload)? {
                self.seq = match &self.compressed {
                    Some(link) => link.next_seq(),
                    None => packet.seq.wrapping_add(1),
                };
                if self.rbuf.is_empty() && self.rbuf.capacity() > 64 * 1024 {
                    // A large packet grew the buffer: give the memory back while idle.
                    self.rbuf = BytesMut::with_capacity(READ_BUF);
                }
                return Ok(packet);
            }
            if self.rbuf.capacity() - self.rbuf.len() < 512 {
                self.rbuf.reserve(READ_BUF.max(self.rbuf.len()));
            }
            let n = self.stream.read_buf(&mut self.rbuf).await?;
            if n == 0 {
                return Err(if self.rbuf.is_empty() {
                    ReadError::Closed
                } else {
                    ReadError::ClosedMidPacket
                });
            }
            self.bytes_received += n as u64;
        }
    }

    /// Queues one packet (framed, split if needed) with the current sequence id.
    pub(crate) fn queue(&mut self, payload: &[u8]) {
        self.seq = codec::encode_packet(&mut self.wbuf, self.seq, payload);
    }

    /// Makes blocked writes end on `abort` too.
    pub(crate) fn set_abort(&mut self, abort: WriteAbort) {
        self.abort = Some(Box::new(abort));
    }

    /// Writes everything queued. A client that does not take the bytes within
    /// `write_timeout` gets a TimedOut error; the server's stop and KILL CONNECTION end the wait
    /// with ConnectionAborted. Either way the connection is to be closed.
    pub(crate) async fn flush(&mut self) -> io::Result<()> {
        let PacketIo {
            stream,
            wbuf,
            bytes_sent,
            write_timeout,
            abort,
            ..
        } = self;
        let write = async {
            if !wbuf.is_empty() {
                *bytes_sent += wbuf.len() as u64;
                stream.write_all(wbuf).await?;
                wbuf.clear();
                if wbuf.capacity() > 64 * 1024 {
                    *wbuf = BytesMut::new();
                }
            }
            stream.flush().await
        };
        // The deadline is only armed when the write has to wait (Timeout polls the write first).
        let timed = tokio::time::timeout(*write_timeout, write);
        let out = match abort.as_deref_mut() {
            None => timed.await,
            Some(WriteAbort { stop, process }) => tokio::select! {
                biased;
                r = timed => r,
                () = stopped(stop) => {
                    return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "server shutdown"));
                }
                () = process.kill.notified() => {
                    return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "connection killed"));
                }
            },
        };
        out.unwrap_or_else(|_| {
            Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "net_write_timeout expired: the client did not read",
            ))
        })?;
        if let Some(link) = &self.compressed {
            self.seq = link.next_seq();
        }
        Ok(())
    }

    /// Flushes when a large response has accumulated, so result sets do not buffer without bound.
    pub(crate) async fn flush_if_large(&mut self) -> io::Result<()> {
        if self.wbuf.len() >= 64 * 1024 {
            self.flush().await?;
        }
        Ok(())
    }

    /// Queues and flushes one packet.
    pub(crate) async fn send(&mut self, payload: &[u8]) -> io::Result<()> {
        self.queue(payload);
        self.flush().await
    }

    /// Gives back the stream and any bytes read past the last packet.
    pub(crate) fn into_parts(self) -> (S, Bytes) {
        (self.stream, self.rbuf.freeze())
    }

    /// Shuts the write side down (best effort, and bounded: a TLS close_notify to a client
    /// that reads nothing would otherwise wait forever).
    pub(crate) async fn shutdown(&mut self) {
        let _ = tokio::time::timeout(CLOSE_WAIT, self.stream.shutdown()).await;
    }
}

/// What the packet layer needs to know about a compressed stream under it (`compress.rs`
/// fills it in).
#[derive(Debug)]
pub(crate) struct Link {
    /// The compressed sequence id of the next frame the server writes.
    pub(crate) next_seq: std::sync::atomic::AtomicU8,
    /// Bytes on the wire (compressed), including those before compression started.
    pub(crate) bytes_received: std::sync::atomic::AtomicU64,
    pub(crate) bytes_sent: std::sync::atomic::AtomicU64,
}

impl Link {
    /// The packet sequence id MySQL uses after a flush or a read: the compressed one.
    pub(crate) fn next_seq(&self) -> u8 {
        self.next_seq.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Bytes received and sent on the wire.
    pub(crate) fn traffic(&self) -> (u64, u64) {
        (
            self.bytes_received
                .load(std::sync::atomic::Ordering::Relaxed),
            self.bytes_sent.load(std::sync::atomic::Ordering::Relaxed),
        )
    }
}

/// Resolves once the server's stop signal is on (never, if the sender is gone without one).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// A stream that first yields `prefix`, then reads from `inner`.
pub(crate) struct Prefixed<S> {
    prefix: Bytes,
    inner: S,
}

impl<S> Prefixed<S> {
    pub(crate) fn new(prefix: Bytes, inner: S) -> Self {
        Prefixed { prefix, inner }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.prefix.has_remaining() {
            let n = this.prefix.len().min(buf.remaining());
            buf.put_slice(&this.prefix[..n]);
            this.prefix.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn prefixed_stream_yields_prefix_before_inner_bytes() {
        let (mut a, b) = tokio::io::duplex(64);
        a.write_all(b"world").await.unwrap();
        drop(a);
        let mut p = Prefixed::new(Bytes::from_static(b"hello "), b);
        let mut s = String::new();
        p.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "hello world");
    }

    #[tokio::test]
    async fn packet_io_reports_close_mid_packet() {
        let (mut a, b) = tokio::io::duplex(64);
        a.write_all(&[10, 0, 0, 0, 1, 2]).await.unwrap();
        drop(a);
        let mut io = PacketIo::new(b);
        assert!(matches!(
            io.read_packet(1024).await,
            Err(ReadError::ClosedMidPacket)
        ));
    }

    #[tokio::test]
    async fn packet_io_reports_clean_close() {
        let (a, b) = tokio::io::duplex(64);
        drop(a);
        let mut io = PacketIo::new(b);
        assert!(matches!(io.read_packet(1024).await, Err(ReadError::Closed)));
    }

    #[tokio::test]
    async fn packet_io_round_trips_and_continues_sequence() {
        let (a, b) = tokio::io::duplex(1 << 16);
        let mut w = PacketIo::new(a);
        w.seq = 3;
        w.send(b"abc").await.unwrap();
        let mut r = PacketIo::new(b);
        let p = r.read_packet(1024).await.unwrap();
        assert_eq!((p.seq, &p.payload[..]), (3, &b"abc"[..]));
        assert_eq!(r.seq, 4);
    }
}
