//! MySQL's compressed protocol (CLIENT_COMPRESS = zlib, CLIENT_ZSTD_COMPRESSION_ALGORITHM = zstd).
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_compression.html>
//!
//! Compression is its own layer under the packet layer: [`Compressed`] is a byte stream
//! (`AsyncRead + AsyncWrite`) placed under [`PacketIo`] once the connection phase has ended with
//! its (uncompressed) OK, so framing, sequence ids of packets and every command stay as they are.
//! What crosses the wire is a sequence of compressed packets ("frames" here):
//!
//! ```text
//! int<3> length of the frame's payload   int<1> compressed sequence id
//! int<3> length before compression (0: the payload is sent as is)   payload
//! ```
//!
//! A frame carries any run of the packet stream (a piece of a packet or several packets) of at
//! most 2^24-1 bytes. As in MySQL's `net_serv.cc` and `my_compress.cc`:
//! - runs shorter than [`MIN_COMPRESS_LENGTH`] (50) bytes, and runs that compression does not
//!   shrink (zlib: compressed >= original; zstd: compressed > original), are sent uncompressed;
//! - zlib data is a zlib stream (`compress2()`, level 6), zstd data a zstd frame at the level the
//!   client sent in HandshakeResponse41;
//! - the compressed sequence id is counted apart from the packet sequence id: the client's first
//!   frame of a command has id 0, each frame read must carry the next id (else
//!   ER_NET_PACKETS_OUT_OF_ORDER), and the server's frames continue from the last received id + 1;
//! - after each flush the packet sequence id is set to the compressed one (`net_flush`: "Sync
//!   packet number if using compression"), and after a read it is the last frame's id + 1, since
//!   MySQL reads the frame header with the packet counter. [`Link`] carries that to [`PacketIo`].
//!
//! Writes are framed on flush boundaries: [`PacketIo`] queues a whole response (or 64 KiB of a
//! large one) and flushes once, so a result set goes out in few frames. Memory stays bounded: at
//! most one frame (16 MiB) is pending in each direction, and a frame larger than
//! `max_allowed_packet` is refused before it is buffered, as MySQL's `net_realloc` refuses it.
//! A malformed frame (bad zlib/zstd data, lengths that lie, a size that does not match its header,
//! an unexpected sequence id, EOF inside a frame) is an `InvalidData` I/O error: the session ends
//! the connection and the reason is logged.
//!
//! [`PacketIo`]: crate::io::PacketIo

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::{Buf, BufMut, BytesMut};
use flate2::{Compress, Decompress, FlushCompress, FlushDecompress, Status};
use myseal_wire::constants::CapabilityFlags as Caps;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::io::{BoxIo, Link, PacketIo, Prefixed};

/// Compressed packet header: 3-byte payload length, sequence id, 3-byte length before compression.
pub(crate) const HEADER_LEN: usize = 7;
/// Runs shorter than this are not compressed (MySQL's `MIN_COMPRESS_LENGTH`).
pub(crate) const MIN_COMPRESS_LENGTH: usize = 50;
/// Largest run of the packet stream in one frame: both lengths are 3 bytes.
pub(crate) const MAX_FRAME: usize = 0xFF_FFFF;
/// zlib level MySQL uses for CLIENT_COMPRESS (the client sends none).
pub(crate) const ZLIB_LEVEL: u8 = 6;
/// zstd levels MySQL accepts from a client (`is_zstd_compression_level_valid`).
const ZSTD_LEVELS: std::ops::RangeInclusive<u8> = 1..=22;
/// Buffers that grew past this for a large frame are given back once drained.
const SHRINK_ABOVE: usize = 1 << 20;
/// How much is read from the underlying stream at a time.
const READ_CHUNK: usize = 16 * 1024;

/// A compression algorithm of the classic protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Zlib,
    Zstd,
}

impl Algorithm {
    /// The name in `protocol_compression_algorithms` and `Compression_algorithm`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Algorithm::Zlib => "zlib",
            Algorithm::Zstd => "zstd",
        }
    }
}

/// What client and server agreed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Negotiated {
    pub(crate) algorithm: Algorithm,
    pub(crate) level: u8,
}

/// The value of `protocol_compression_algorithms`: which algorithms the server offers in its
/// greeting, and whether an uncompressed connection is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Permitted {
    pub(crate) zlib: bool,
    pub(crate) zstd: bool,
    pub(crate) uncompressed: bool,
}

impl Default for Permitted {
    /// MySQL's default, `zlib,zstd,uncompressed`.
    fn default() -> Self {
        Permitted {
            zlib: true,
            zstd: true,
            uncompressed: true,
        }
    }
}

impl Permitted {
    /// Parses the variable's value (names are case-insensitive, unknown ones ignored: SET
    /// validates them). A missing or empty value is MySQL's default.
    pub(crate) fn parse(value: Option<&str>) -> Self {
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            return Permitted::default();
        };
        let mut p = Permitted {
            zlib: false,
            zstd: false,
            uncompressed: false,
        };
        for name in value.split(',').map(str::trim) {
            if name.eq_ignore_ascii_case("zlib") {
                p.zlib = true;
            } else if name.eq_ignore_ascii_case("zstd") {
                p.zstd = true;
            } else if name.eq_ignore_ascii_case("uncompressed") {
                p.uncompressed = true;
            }
        }
        p
    }

    /// The capability bits the greeting carries (`send_server_handshake_packet`).
    pub(crate) fn capabilities(self) -> Caps {
        let mut c = Caps(0);
        if self.zlib {
            c.insert(Caps::CLIENT_COMPRESS);
        }
        if self.zstd {
            c.insert(Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM);
        }
        c
    }
}

/// Picks the connection's compression from the capabilities both sides share, as MySQL's
/// `parse_client_handshake_packet` does: zlib if both have it (level 6), else zstd at the
/// client's level (1..=22, else ER 3923), else uncompressed if permitted (else ER 3922).
pub(crate) fn negotiate(
    shared_caps: Caps,
    zstd_level: Option<u8>,
    permitted: Permitted,
) -> Result<Option<Negotiated>, (u16, &'static str, String)> {
    if shared_caps.contains(Caps::CLIENT_COMPRESS) && permitted.zlib {
        return Ok(Some(Negotiated {
            algorithm: Algorithm::Zlib,
            level: ZLIB_LEVEL,
        }));
    }
    if shared_caps.contains(Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM) && permitted.zstd {
        return match zstd_level.filter(|l| ZSTD_LEVELS.contains(l)) {
            Some(level) => Ok(Some(Negotiated {
                algorithm: Algorithm::Zstd,
                level,
            })),
            None => Err((
                3923,
                "HY000",
                "Invalid zstd compression level for algorithm 'zstd'.".to_string(),
            )),
        };
    }
    if permitted.uncompressed {
        Ok(None)
    } else {
        Err((
            3922,
            "HY000",
            "Invalid compression algorithm 'uncompressed'.".to_string(),
        ))
    }
}

/// The per-session `Compression`, `Compression_algorithm` and `Compression_level` status.
pub(crate) fn session_status(c: Option<&Negotiated>) -> Vec<(String, String)> {
    let s = |k: &str, v: String| (k.to_string(), v);
    match c {
        Some(c) => vec![
            s("Compression", "ON".into()),
            s("Compression_algorithm", c.algorithm.name().into()),
            s("Compression_level", c.level.to_string()),
        ],
        None => vec![
            s("Compression", "OFF".into()),
            s("Compression_algorithm", String::new()),
            s("Compression_level", "0".into()),
        ],
    }
}

/// Turns compression on for a connection whose final OK has just been flushed. Bytes the client
/// sent early (already compressed) are kept. `max_frame` is `max_allowed_packet`.
pub(crate) fn enable(
    io: PacketIo<BoxIo>,
    negotiated: Negotiated,
    max_frame: usize,
    conn: u32,
) -> io::Result<PacketIo<BoxIo>> {
    let link = Arc::new(Link {
        next_seq: AtomicU8::new(0),
        bytes_received: AtomicU64::new(io.bytes_received),
        bytes_sent: AtomicU64::new(io.bytes_sent),
    });
    let write_timeout = io.write_timeout;
    let (stream, leftover) = io.into_parts();
    let codec = Codec::new(negotiated, max_frame)?;
    let stream = Compressed::new(Prefixed::new(leftover, stream), codec, link.clone(), conn);
    let mut io = PacketIo::new(Box::new(stream) as BoxIo);
    io.write_timeout = write_timeout;
    io.set_compressed(link);
    Ok(io)
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// One frame decoded from the wire.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    pub(crate) seq: u8,
    /// The run of the packet stream it carried.
    pub(crate) data: Vec<u8>,
}

/// Frame encoder/decoder for one connection: no I/O, reusable (de)compression contexts.
pub(crate) struct Codec {
    max_frame: usize,
    imp: Imp,
}

enum Imp {
    Zlib(Box<Compress>, Box<Decompress>),
    Zstd(
        Box<zstd::bulk::Compressor<'static>>,
        Box<zstd::bulk::Decompressor<'static>>,
    ),
}

impl Codec {
    /// A codec for `negotiated` that refuses frames of more than `max_frame` bytes (either
    /// length; never more than [`MAX_FRAME`]).
    pub(crate) fn new(negotiated: Negotiated, max_frame: usize) -> io::Result<Self> {
        let imp = match negotiated.algorithm {
            Algorithm::Zlib => Imp::Zlib(
                Box::new(Compress::new(
                    flate2::Compression::new(u32::from(negotiated.level)),
                    true,
                )),
                Box::new(Decompress::new(true)),
            ),
            Algorithm::Zstd => Imp::Zstd(
                Box::new(zstd::bulk::Compressor::new(i32::from(negotiated.level))?),
                Box::new(zstd::bulk::Decompressor::new()?),
            ),
        };
        Ok(Codec {
            max_frame: max_frame.clamp(1, MAX_FRAME),
            imp,
        })
    }

    /// Appends one frame with id `seq` carrying `run` (at most [`MAX_FRAME`] bytes), compressed
    /// unless it is short or compression does not pay. `scratch` is a reusable buffer.
    pub(crate) fn encode(
        &mut self,
        seq: u8,
        run: &[u8],
        scratch: &mut Vec<u8>,
        out: &mut BytesMut,
    ) {
        debug_assert!(run.len() <= MAX_FRAME);
        let compressed = run.len() >= MIN_COMPRESS_LENGTH && self.compress(run, scratch);
        let (payload, before): (&[u8], usize) = if compressed {
            (scratch.as_slice(), run.len())
        } else {
            (run, 0)
        };
        out.reserve(HEADER_LEN + payload.len());
        out.put_uint_le(payload.len() as u64, 3);
        out.put_u8(seq);
        out.put_uint_le(before as u64, 3);
        out.put_slice(payload);
        if scratch.capacity() > SHRINK_ABOVE {
            *scratch = Vec::new();
        }
    }

    /// Compresses `run` into `scratch`; false when it should go uncompressed.
    fn compress(&mut self, run: &[u8], scratch: &mut Vec<u8>) -> bool {
        scratch.clear();
        match &mut self.imp {
            Imp::Zlib(c, _) => {
                // Whatever does not fit in len - 1 bytes is sent uncompressed anyway.
                scratch.reserve(run.len());
                c.reset();
                matches!(
                    c.compress_vec(run, scratch, FlushCompress::Finish),
                    Ok(Status::StreamEnd)
                ) && scratch.len() < run.len()
            }
            Imp::Zstd(c, _) => {
                scratch.reserve(run.len());
                matches!(c.compress_to_buffer(run, scratch), Ok(n) if n <= run.len())
            }
        }
    }

    /// Takes one whole frame off the front of `src`, or None if it is not all buffered yet.
    /// With `next`, the frame must carry that id or 0: MySQL resets the id to 0 for each new
    /// command, and this layer does not see where commands begin.
    pub(crate) fn decode(
        &mut self,
        src: &mut BytesMut,
        next: Option<u8>,
    ) -> io::Result<Option<Frame>> {
        let Some(header) = src.get(..HEADER_LEN) else {
            return Ok(None);
        };
        let len = u24(&header[0..3]);
        let seq = header[3];
        let before = u24(&header[4..7]);
        if let Some(expected) = next.filter(|e| seq != 0 && *e != seq) {
            return Err(invalid(format!(
                "compressed packet out of order: sequence id {seq}, expected {expected}"
            )));
        }
        if len.max(before) > self.max_frame {
            return Err(invalid(format!(
                "compressed packet of {} bytes exceeds max_allowed_packet ({})",
                len.max(before),
                self.max_frame
            )));
        }
        if src.len() < HEADER_LEN + len {
            return Ok(None);
        }
        src.advance(HEADER_LEN);
        let payload = src.split_to(len);
        if before == 0 {
            return Ok(Some(Frame {
                seq,
                data: payload.to_vec(),
            }));
        }
        let mut data = Vec::with_capacity(before);
        let ok = match &mut self.imp {
            Imp::Zlib(_, d) => {
                d.reset(true);
                match d.decompress_vec(&payload, &mut data, FlushDecompress::Finish) {
                    Ok(Status::StreamEnd) => d.total_in() == len as u64,
                    Ok(_) => false,
                    Err(e) => {
                        return Err(invalid(format!("bad zlib data in compressed packet: {e}")))
                    }
                }
            }
            Imp::Zstd(_, d) => match d.decompress_to_buffer(&payload[..], &mut data) {
                Ok(_) => true,
                Err(e) => return Err(invalid(format!("bad zstd data in compressed packet: {e}"))),
            },
        };
        if !ok || data.len() != before {
            return Err(invalid(format!(
                "compressed packet does not decompress to its declared {before} bytes ({} bytes, stream {})",
                data.len(),
                if ok { "complete" } else { "incomplete or followed by other bytes" }
            )));
        }
        Ok(Some(Frame { seq, data }))
    }
}

fn u24(b: &[u8]) -> usize {
    b.iter()
        .rev()
        .fold(0usize, |acc, &x| (acc << 8) | usize::from(x))
}

/// Follows the packet headers in the decompressed stream and numbers each continuation chunk of a
/// packet of 16 MiB or more as the previous chunk + 1. MySQL does not look at packet ids inside
/// compressed packets (`my_net_read`), and MariaDB's client sends them all as 0 in compressed mode
/// (`ma_net_write_command`), which the packet layer would take for packets out of order.
#[derive(Debug, Default)]
struct Chunks {
    /// Bytes of the current chunk's body still to come.
    body_left: usize,
    /// The current header's bytes seen so far (up to 4).
    header: [u8; 4],
    header_len: usize,
    /// The previous chunk was full (0xffffff bytes): the next one continues it. Its id.
    continues: Option<u8>,
}

impl Chunks {
    fn renumber(&mut self, data: &mut [u8]) {
        let mut i = 0;
        while i < data.len() {
            if self.body_left > 0 {
                let n = self.body_left.min(data.len() - i);
                self.body_left -= n;
                i += n;
                continue;
            }
            if self.header_len == 3 {
                if let Some(prev) = self.continues {
                    data[i] = prev.wrapping_add(1);
                }
            }
            self.header[self.header_len] = data[i];
            self.header_len += 1;
            i += 1;
            if self.header_len == 4 {
                let len = u24(&self.header[..3]);
                self.body_left = len;
                self.continues = (len == MAX_FRAME).then_some(self.header[3]);
                self.header_len = 0;
            }
        }
    }
}

/// A compressed stream over `S` (see the module docs).
pub(crate) struct Compressed<S> {
    inner: S,
    codec: Codec,
    link: Arc<Link>,
    conn: u32,
    /// Bytes read from `inner` that do not yet make a whole frame.
    raw: BytesMut,
    /// The last frame's data, from `plain_pos` on not yet read.
    plain: Vec<u8>,
    plain_pos: usize,
    chunks: Chunks,
    /// Packet bytes written and not yet framed (less than a frame, except just before framing).
    pending: BytesMut,
    /// Frames not yet written to `inner`.
    out: BytesMut,
    scratch: Vec<u8>,
    /// The id of the next frame written, and of the next frame read unless it starts a command.
    seq: u8,
}

impl<S> Compressed<S> {
    pub(crate) fn new(inner: S, codec: Codec, link: Arc<Link>, conn: u32) -> Self {
        Compressed {
            inner,
            codec,
            link,
            conn,
            raw: BytesMut::new(),
            plain: Vec::new(),
            plain_pos: 0,
            chunks: Chunks::default(),
            pending: BytesMut::new(),
            out: BytesMut::new(),
            scratch: Vec::new(),
            seq: 0,
        }
    }

    /// Frames the first `n` pending bytes.
    fn frame(&mut self, n: usize) {
        let run = self.pending.split_to(n);
        self.codec
            .encode(self.seq, &run, &mut self.scratch, &mut self.out);
        self.seq = self.seq.wrapping_add(1);
        self.link.next_seq.store(self.seq, Relaxed);
        if self.pending.is_empty() && self.pending.capacity() > SHRINK_ABOVE {
            self.pending = BytesMut::new();
        }
    }

    fn malformed(&self, e: io::Error) -> io::Error {
        tracing::info!(
            target: "myseal::compress",
            conn = self.conn,
            "closing connection: {e}"
        );
        e
    }
}

impl<S: AsyncWrite + Unpin> Compressed<S> {
    /// Writes all framed bytes to `inner`.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.out.is_empty() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.out))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.out.advance(n);
            self.link.bytes_sent.fetch_add(n as u64, Relaxed);
        }
        if self.out.capacity() > SHRINK_ABOVE {
            self.out = BytesMut::new();
        }
        Poll::Ready(Ok(()))
    }

    /// Frames and writes everything pending.
    fn poll_write_all_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_drain(cx))?;
            if self.pending.is_empty() {
                return Poll::Ready(Ok(()));
            }
            self.frame(self.pending.len().min(MAX_FRAME));
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Compressed<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if let Some(rest) = this.plain.get(this.plain_pos..).filter(|r| !r.is_empty()) {
                let n = rest.len().min(buf.remaining());
                buf.put_slice(&rest[..n]);
                this.plain_pos += n;
                if this.plain_pos == this.plain.len() {
                    this.plain.clear();
                    this.plain_pos = 0;
                    if this.plain.capacity() > SHRINK_ABOVE {
                        this.plain = Vec::new();
                    }
                }
                return Poll::Ready(Ok(()));
            }
            match this.codec.decode(&mut this.raw, Some(this.seq)) {
                Ok(Some(frame)) => {
                    let next = frame.seq.wrapping_add(1);
                    this.seq = next;
                    this.link.next_seq.store(next, Relaxed);
                    this.plain = frame.data;
                    this.plain_pos = 0;
                    this.chunks.renumber(&mut this.plain);
                    if this.raw.is_empty() && this.raw.capacity() > SHRINK_ABOVE {
                        this.raw = BytesMut::new();
                    }
                    // An empty frame carries nothing: read on (returning nothing would be EOF).
                    continue;
                }
                Ok(None) => {}
                Err(e) => return Poll::Ready(Err(this.malformed(e))),
            }
            let start = this.raw.len();
            this.raw.resize(start + READ_CHUNK, 0);
            let mut rb = ReadBuf::new(&mut this.raw[start..]);
            let polled = Pin::new(&mut this.inner).poll_read(cx, &mut rb);
            let n = rb.filled().len();
            this.raw.truncate(start + n);
            ready!(polled)?;
            if n == 0 {
                if this.raw.is_empty() {
                    return Poll::Ready(Ok(())); // EOF between frames
                }
                return Poll::Ready(Err(this.malformed(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed in the middle of a compressed packet",
                ))));
            }
            this.link.bytes_received.fetch_add(n as u64, Relaxed);
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Compressed<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // Earlier frames go out first; a full frame's worth of pending bytes is framed (so at
        // most one frame waits in each buffer).
        loop {
            ready!(this.poll_drain(cx))?;
            if this.pending.len() < MAX_FRAME {
                break;
            }
            this.frame(MAX_FRAME);
        }
        let n = buf.len().min(MAX_FRAME - this.pending.len());
        this.pending.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_write_all_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_write_all_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn zlib() -> Negotiated {
        Negotiated {
            algorithm: Algorithm::Zlib,
            level: 6,
        }
    }

    fn zstd(level: u8) -> Negotiated {
        Negotiated {
            algorithm: Algorithm::Zstd,
            level,
        }
    }

    fn codec(n: Negotiated) -> Codec {
        Codec::new(n, 64 << 20).unwrap()
    }

    fn encode_one(c: &mut Codec, seq: u8, run: &[u8]) -> BytesMut {
        let mut out = BytesMut::new();
        c.encode(seq, run, &mut Vec::new(), &mut out);
        out
    }

    /// Compressed-stream pair over an in-memory pipe: (server side, raw client side).
    fn server(n: Negotiated) -> (PacketIo<BoxIo>, tokio::io::DuplexStream, Arc<Link>) {
        let (a, b) = tokio::io::duplex(64 << 20);
        let io = enable(PacketIo::new(Box::new(a) as BoxIo), n, 64 << 20, 1).unwrap();
        let link = io.compressed_link().unwrap();
        (io, b, link)
    }

    /// Reads frames off the raw client side until `want` data bytes arrived; also gives the
    /// number of bytes they took on the wire.
    async fn read_frames(
        raw: &mut tokio::io::DuplexStream,
        c: &mut Codec,
        want: usize,
    ) -> (Vec<Frame>, usize) {
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        let mut got = 0;
        let mut wire = 0;
        while got < want {
            if let Some(f) = c.decode(&mut buf, None).unwrap() {
                got += f.data.len();
                frames.push(f);
                continue;
            }
            let n = raw.read_buf(&mut buf).await.unwrap();
            assert!(n > 0, "server closed early");
            wire += n;
        }
        assert!(buf.is_empty());
        (frames, wire)
    }

    #[test]
    fn decodes_the_example_from_mysql_docs() {
        // page_protocol_basic_compression_packet: COM_QUERY `select "012345678901234567890123456789012345"`.
        let wire: &[u8] = &[
            0x22, 0x00, 0x00, 0x00, 0x32, 0x00, 0x00, 0x78, 0x9c, 0xd3, 0x63, 0x60, 0x60, 0x60,
            0x2e, 0x4e, 0xcd, 0x49, 0x4d, 0x2e, 0x51, 0x50, 0x32, 0x30, 0x34, 0x32, 0x36, 0x31,
            0x35, 0x33, 0xb7, 0xb0, 0xc4, 0xcd, 0x52, 0x02, 0x00, 0x0c, 0xd1, 0x0a, 0x6c,
        ];
        let mut src = BytesMut::from(wire);
        let f = codec(zlib()).decode(&mut src, Some(0)).unwrap().unwrap();
        assert_eq!(f.seq, 0);
        assert_eq!(&f.data[..5], &[0x2e, 0, 0, 0, 0x03]);
        assert_eq!(
            &f.data[5..],
            &b"select \"012345678901234567890123456789012345\""[..]
        );
        assert!(src.is_empty());
    }

    #[test]
    fn short_runs_go_uncompressed_with_zero_length_before_compression() {
        for n in [zlib(), zstd(3)] {
            let mut c = codec(n);
            // `SELECT 1` from the MySQL docs: sent as is.
            let run = b"\x09\x00\x00\x00\x03SELECT 1";
            let out = encode_one(&mut c, 0, run);
            assert_eq!(&out[..7], &[0x0d, 0, 0, 0, 0, 0, 0]);
            assert_eq!(&out[7..], &run[..]);
        }
    }

    #[test]
    fn incompressible_runs_go_uncompressed() {
        // 4 KiB of pseudo-random bytes do not shrink under zlib or zstd.
        let mut x: u32 = 0x1234_5678;
        let run: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        for n in [zlib(), zstd(3)] {
            let out = encode_one(&mut codec(n), 5, &run);
            assert_eq!(u24(&out[0..3]), run.len());
            assert_eq!((out[3], u24(&out[4..7])), (5, 0));
        }
    }

    #[test]
    fn compressible_runs_round_trip_for_both_algorithms() {
        let run: Vec<u8> = b"row data, row data, row data "
            .iter()
            .copied()
            .cycle()
            .take(10_000)
            .collect();
        for n in [zlib(), zstd(1), zstd(3), zstd(22)] {
            let mut c = codec(n);
            let mut out = encode_one(&mut c, 9, &run);
            assert_eq!(u24(&out[4..7]), run.len(), "{n:?}");
            assert!(u24(&out[0..3]) < run.len() / 10, "{n:?}");
            if n.algorithm == Algorithm::Zlib {
                assert_eq!(out[7], 0x78, "a zlib stream header");
            } else {
                assert_eq!(&out[7..11], &[0x28, 0xb5, 0x2f, 0xfd], "a zstd frame");
            }
            let f = c.decode(&mut out, Some(9)).unwrap().unwrap();
            assert_eq!((f.seq, f.data), (9, run.clone()));
        }
    }

    #[test]
    fn waits_for_a_whole_frame() {
        let mut c = codec(zlib());
        let out = encode_one(&mut c, 0, &[7u8; 500]);
        for cut in [0, 3, 7, out.len() - 1] {
            let mut part = BytesMut::from(&out[..cut]);
            assert_eq!(c.decode(&mut part, Some(0)).unwrap(), None);
            assert_eq!(part.len(), cut, "nothing consumed");
        }
    }

    fn decode_err(n: Negotiated, wire: &[u8]) -> String {
        let mut src = BytesMut::from(wire);
        codec(n).decode(&mut src, None).unwrap_err().to_string()
    }

    #[test]
    fn rejects_malformed_frames() {
        let good = encode_one(&mut codec(zlib()), 0, &[b'a'; 1000]);
        // Garbage where zlib data should be.
        let mut bad = good.to_vec();
        for b in &mut bad[7..] {
            *b ^= 0x5a;
        }
        assert!(decode_err(zlib(), &bad).contains("zlib"));
        // The header claims more bytes before compression than the data holds ...
        let mut more = good.to_vec();
        more[4..7].copy_from_slice(&[0xe9, 0x03, 0x00]); // 1001
        assert!(decode_err(zlib(), &more).contains("declared 1001"));
        // ... or fewer.
        let mut fewer = good.to_vec();
        fewer[4..7].copy_from_slice(&[0xe7, 0x03, 0x00]); // 999
        assert!(decode_err(zlib(), &fewer).contains("declared 999"));
        // Bytes after the end of the zlib stream.
        let mut trailing = good.to_vec();
        trailing.push(0);
        let len = u24(&trailing[0..3]) + 1;
        trailing[0..3].copy_from_slice(&(len as u32).to_le_bytes()[..3]);
        assert!(decode_err(zlib(), &trailing).contains("declared 1000"));
        // zstd: garbage, and a size that does not match.
        let zgood = encode_one(&mut codec(zstd(3)), 0, &[b'a'; 1000]);
        let mut zbad = zgood.to_vec();
        zbad[7] ^= 0xff;
        assert!(decode_err(zstd(3), &zbad).contains("zstd"));
        let mut zmore = zgood.to_vec();
        zmore[4..7].copy_from_slice(&[0xe9, 0x03, 0x00]);
        assert!(decode_err(zstd(3), &zmore).contains("1001"));
        let mut zfewer = zgood.to_vec();
        zfewer[4..7].copy_from_slice(&[0x10, 0x00, 0x00]);
        assert!(decode_err(zstd(3), &zfewer).contains("zstd"));
        // Lengths over max_allowed_packet are refused before anything is buffered.
        let mut small = BytesMut::from(&[0xff, 0xff, 0xff, 0, 0xff, 0xff, 0xff][..]);
        let err = Codec::new(zlib(), 1024)
            .unwrap()
            .decode(&mut small, None)
            .unwrap_err();
        assert!(err.to_string().contains("max_allowed_packet"), "{err}");
        // Out-of-order sequence id (0, a new command, is always accepted).
        let mut src = encode_one(&mut codec(zlib()), 5, &[b'a'; 1000]);
        let err = codec(zlib()).decode(&mut src, Some(1)).unwrap_err();
        assert!(err.to_string().contains("out of order"), "{err}");
        let mut src = BytesMut::from(&good[..]);
        assert!(codec(zlib()).decode(&mut src, Some(1)).unwrap().is_some());
    }

    #[test]
    fn negotiation_follows_mysql() {
        let both = Caps::CLIENT_COMPRESS | Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM;
        let all = Permitted::default();
        assert_eq!(negotiate(both, Some(7), all).unwrap(), Some(zlib()));
        assert_eq!(
            negotiate(Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM, Some(7), all).unwrap(),
            Some(zstd(7))
        );
        assert_eq!(negotiate(Caps(0), None, all).unwrap(), None);
        let e = negotiate(Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM, Some(23), all).unwrap_err();
        assert_eq!(
            (e.0, e.2.as_str()),
            (3923, "Invalid zstd compression level for algorithm 'zstd'.")
        );
        assert_eq!(
            negotiate(Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM, Some(0), all)
                .unwrap_err()
                .0,
            3923
        );
        let only_zlib = Permitted::parse(Some("ZLIB"));
        assert_eq!(only_zlib.capabilities(), Caps::CLIENT_COMPRESS);
        let e = negotiate(Caps(0), None, only_zlib).unwrap_err();
        assert_eq!(
            (e.0, e.2.as_str()),
            (3922, "Invalid compression algorithm 'uncompressed'.")
        );
        // A client asking for zstd only, of a server permitting zlib,uncompressed: uncompressed.
        let p = Permitted::parse(Some("zlib,uncompressed"));
        assert_eq!(
            negotiate(Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM, Some(3), p).unwrap(),
            None
        );
        assert_eq!(Permitted::parse(None), all);
        assert_eq!(
            Permitted::parse(Some("uncompressed")).capabilities(),
            Caps(0)
        );
    }

    #[tokio::test]
    async fn responses_continue_the_clients_sequence_and_packets_sync_to_it() {
        for n in [zlib(), zstd(3)] {
            let (mut io, mut raw, link) = server(n);
            let mut client = codec(n);
            // Command 1: the client's frame 0 carries COM_QUERY (packet seq 0).
            let mut cmd = BytesMut::new();
            let query = [&[0x03][..], &[b'x'; 100][..]].concat();
            let mut packet = vec![query.len() as u8, 0, 0, 0];
            packet.extend_from_slice(&query);
            client.encode(0, &packet, &mut Vec::new(), &mut cmd);
            assert!(u24(&cmd[4..7]) > 0, "the query is compressed");
            let first_cmd = cmd.len();
            raw.write_all(&cmd).await.unwrap();
            let p = io.read_packet(1 << 20).await.unwrap();
            assert_eq!(p.payload, query);
            assert_eq!((io.seq, link.next_seq()), (1, 1));
            // The answer: two flushes, so two frames (1 and 2); the second flush's packets
            // are numbered from the compressed id, as MySQL's net_flush does.
            io.queue(b"first");
            io.queue(b"second");
            io.flush().await.unwrap();
            assert_eq!(io.seq, 2);
            io.send(b"third").await.unwrap();
            assert_eq!(io.seq, 3);
            let (frames, mut wire_sent) =
                read_frames(&mut raw, &mut client, 4 + 5 + 4 + 6 + 4 + 5).await;
            assert_eq!(frames.iter().map(|f| f.seq).collect::<Vec<_>>(), [1, 2]);
            assert_eq!(&frames[0].data[..4], &[5, 0, 0, 1]);
            assert_eq!(&frames[0].data[9..13], &[6, 0, 0, 2]);
            assert_eq!(&frames[1].data[..4], &[5, 0, 0, 2]);
            // Command 2 starts again at 0, and so does the numbering.
            let mut cmd = BytesMut::new();
            client.encode(0, &[1, 0, 0, 0, 0x0e], &mut Vec::new(), &mut cmd);
            raw.write_all(&cmd).await.unwrap();
            let p = io.read_packet(1024).await.unwrap();
            assert_eq!(&p.payload[..], &[0x0e]);
            io.send(b"ok").await.unwrap();
            let (frames, n) = read_frames(&mut raw, &mut client, 6).await;
            wire_sent += n;
            assert_eq!(
                (frames[0].seq, &frames[0].data[..]),
                (1, &[2, 0, 0, 1, b'o', b'k'][..])
            );
            // Wire bytes are counted as sent, compressed.
            let (received, sent) = io.traffic();
            assert_eq!(received, (first_cmd + cmd.len()) as u64);
            assert_eq!(sent, wire_sent as u64);
        }
    }

    #[tokio::test]
    async fn payloads_over_16_mib_split_into_frames_of_at_most_16_mib() {
        for n in [zlib(), zstd(1)] {
            let (mut io, mut raw, _) = server(n);
            let payload: Vec<u8> = (0..20 << 20).map(|i: u32| (i % 251) as u8).collect();
            let sender = tokio::spawn(async move {
                io.seq = 1;
                io.send(&payload).await.unwrap();
                (io, payload)
            });
            let mut client = codec(n);
            let (frames, _) = read_frames(&mut raw, &mut client, (20 << 20) + 8).await;
            let (_io, payload) = sender.await.unwrap();
            assert_eq!(frames.len(), 2, "{n:?}");
            assert_eq!(frames[0].data.len(), MAX_FRAME);
            assert_eq!(frames.iter().map(|f| f.seq).collect::<Vec<_>>(), [0, 1]);
            let stream: Vec<u8> = frames.into_iter().flat_map(|f| f.data).collect();
            // Two packets: 0xffffff bytes with seq 1, then the rest with seq 2.
            assert_eq!(&stream[..4], &[0xff, 0xff, 0xff, 1]);
            let rest = payload.len() - MAX_FRAME;
            assert_eq!(
                &stream[4 + MAX_FRAME..8 + MAX_FRAME],
                &[rest as u8, (rest >> 8) as u8, (rest >> 16) as u8, 2]
            );
            assert_eq!(&stream[4..4 + MAX_FRAME], &payload[..MAX_FRAME]);
            assert_eq!(&stream[8 + MAX_FRAME..], &payload[MAX_FRAME..]);
        }
    }

    #[tokio::test]
    async fn reads_packets_spanning_frames_and_frames_holding_several_packets() {
        let (mut io, mut raw, _) = server(zlib());
        let mut client = codec(zlib());
        let mut stream = Vec::new();
        for (i, body) in [&[b'a'; 300][..], &[b'b'; 10][..], &[b'c'; 70_000][..]]
            .iter()
            .enumerate()
        {
            stream.extend_from_slice(&(body.len() as u32).to_le_bytes()[..3]);
            stream.push(i as u8);
            stream.extend_from_slice(body);
        }
        // Cut the stream at odd places, one frame per piece; an empty frame in between.
        let mut wire = BytesMut::new();
        let cuts = [0, 200, 200, 320, 50_000, stream.len()];
        for (seq, w) in cuts.windows(2).enumerate() {
            client.encode(seq as u8, &stream[w[0]..w[1]], &mut Vec::new(), &mut wire);
        }
        raw.write_all(&wire).await.unwrap();
        assert_eq!(
            io.read_packet(1 << 20).await.unwrap().payload,
            vec![b'a'; 300]
        );
        assert_eq!(
            io.read_packet(1 << 20).await.unwrap().payload,
            vec![b'b'; 10]
        );
        assert_eq!(
            io.read_packet(1 << 20).await.unwrap().payload,
            vec![b'c'; 70_000]
        );
        assert_eq!(io.seq, 5, "last frame's id + 1");
    }

    #[tokio::test]
    async fn reads_a_large_packet_whose_chunks_all_carry_id_0_as_mariadb_sends_them() {
        let (mut io, mut raw, _) = server(zlib());
        let body: Vec<u8> = (0..MAX_FRAME + 1000).map(|i| (i % 7) as u8).collect();
        let mut stream = vec![0xff, 0xff, 0xff, 0];
        stream.extend_from_slice(&body[..MAX_FRAME]);
        stream.extend_from_slice(&[0xe8, 0x03, 0x00, 0]);
        stream.extend_from_slice(&body[MAX_FRAME..]);
        let mut client = codec(zlib());
        let mut wire = BytesMut::new();
        // Frames of at most 16 MiB, cut inside the second header between its length and its id.
        let cut = MAX_FRAME + 4 + 3;
        client.encode(0, &stream[..MAX_FRAME], &mut Vec::new(), &mut wire);
        client.encode(1, &stream[MAX_FRAME..cut], &mut Vec::new(), &mut wire);
        client.encode(2, &stream[cut..], &mut Vec::new(), &mut wire);
        let writer = tokio::spawn(async move {
            raw.write_all(&wire).await.unwrap();
            raw
        });
        let p = io.read_packet(64 << 20).await.unwrap();
        assert_eq!(p.payload.len(), body.len());
        assert!(p.payload == body);
        let _raw = writer.await.unwrap();
    }

    #[tokio::test]
    async fn a_malformed_frame_or_a_cut_one_is_an_error_not_a_panic() {
        let (mut io, mut raw, _) = server(zlib());
        raw.write_all(&[20, 0, 0, 0, 100, 0, 0]).await.unwrap();
        raw.write_all(&[0xAB; 20]).await.unwrap();
        let err = io.read_packet(1 << 20).await.unwrap_err();
        assert!(err.to_string().contains("zlib"), "{err}");

        let (mut io, mut raw, _) = server(zstd(3));
        raw.write_all(&[20, 0, 0, 0, 100, 0, 0, 1, 2])
            .await
            .unwrap();
        drop(raw);
        let err = io.read_packet(1 << 20).await.unwrap_err();
        assert!(
            err.to_string().contains("middle of a compressed packet"),
            "{err}"
        );

        let (mut io, mut raw, _) = server(zlib());
        let mut wire = BytesMut::new();
        codec(zlib()).encode(3, &[1, 0, 0, 0, 0x0e], &mut Vec::new(), &mut wire);
        raw.write_all(&wire).await.unwrap();
        // A command's first frame has id 0, any other must continue the sequence.
        let err = io.read_packet(1024).await.unwrap_err();
        assert!(
            err.to_string().contains("sequence id 3, expected 0"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn clean_close_between_frames_is_a_clean_close() {
        let (mut io, raw, _) = server(zlib());
        drop(raw);
        assert!(matches!(
            io.read_packet(1024).await,
            Err(crate::io::ReadError::Closed)
        ));
    }
}
