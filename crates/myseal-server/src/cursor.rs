//! Server-side cursors of prepared statements (COM_STMT_EXECUTE with `CURSOR_TYPE_READ_ONLY`,
//! then COM_STMT_FETCH).
//!
//! Like MySQL's `Materialized_cursor`, a cursor is the statement's whole result, produced when
//! it executes and kept until it is read, closed, reset or executed again: the statement itself
//! (its snapshot, its locks, the connection's session) is done when the execute is answered, so
//! the connection is free for other commands between fetches. The rows are kept already encoded
//! as binary-protocol row payloads, in memory up to the session's `tmp_table_size` and in an
//! unlinked temporary file in `tmpdir` past it (as MySQL's temporary tables move from memory to
//! disk), so a large cursor costs disk, not memory: the server holds at most `tmp_table_size`
//! bytes of it plus a read buffer. A write that fails (a full disk) fails the execute with
//! MySQL's ER_RECORD_FILE_FULL (1114). Dropping a [`Cursor`] (statement closed, connection gone)
//! frees its memory and closes its file, which the file system then frees.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use myseal_engine::{Column, RowSink, SinkClosed, Value};

/// An error to send: code, SQLSTATE, message.
type ErrTriple = (u16, &'static str, String);

/// Appends one row's payload (the session gives the binary protocol's encoding, so this
/// module needs nothing of `results`).
pub(crate) type RowFn = Box<dyn Fn(&mut Vec<u8>, &[Value]) + Send>;

/// Makes the [`RowFn`] of a result's columns.
pub(crate) type Encoder = Box<dyn Fn(&[Column]) -> RowFn + Send>;

/// Spool files made by this process (a part of each file's name).
static SPOOLS: AtomicU64 = AtomicU64::new(0);

/// The start of every spool file's name.
pub(crate) const FILE_PREFIX: &str = "myseal-cursor-";

/// Where a cursor's rows are written while its statement runs: length-prefixed row payloads,
/// in memory until they pass `mem_limit` bytes, then all of them in a temporary file.
#[derive(Debug)]
pub(crate) struct Spool {
    mem: Vec<u8>,
    mem_limit: usize,
    dir: PathBuf,
    file: Option<(BufWriter<File>, PathBuf)>,
    rows: u64,
}

impl Spool {
    pub(crate) fn new(mem_limit: usize, dir: PathBuf) -> Self {
        Spool {
            mem: Vec::new(),
            mem_limit,
            dir,
            file: None,
            rows: 0,
        }
    }

    /// Appends one row payload.
    fn push(&mut self, payload: &[u8]) -> io::Result<()> {
        let len = u32::try_from(payload.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "row too large"))?;
        if self.file.is_none() && self.mem.len() + 4 + payload.len() > self.mem_limit {
            self.spill()?;
        }
        match &mut self.file {
            Some((w, _)) => {
                w.write_all(&len.to_le_bytes())?;
                w.write_all(payload)?;
            }
            None => {
                self.mem.extend_from_slice(&len.to_le_bytes());
                self.mem.extend_from_slice(payload);
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Moves what is in memory to a new temporary file, unlinked at once: only this process
    /// holds it, and it is gone when its descriptor closes, however the process ends.
    fn spill(&mut self) -> io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let n = SPOOLS.fetch_add(1, Ordering::Relaxed);
        let path = self
            .dir
            .join(format!("{FILE_PREFIX}{}-{n}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        // Unlinked while open: the descriptor keeps the data readable.
        let removed = std::fs::remove_file(&path);
        let mut w = BufWriter::with_capacity(64 * 1024, file);
        removed?;
        w.write_all(&self.mem)?;
        self.mem = Vec::new();
        self.file = Some((w, path));
        Ok(())
    }

    /// The file's name when the rows went to one (for error messages).
    fn path(&self) -> Option<&PathBuf> {
        self.file.as_ref().map(|(_, p)| p)
    }

    /// Ends writing: the rows, ready to be read from the first.
    fn finish(self) -> io::Result<Cursor> {
        let source = match self.file {
            None => Source::Memory {
                data: self.mem,
                pos: 0,
            },
            Some((w, _)) => {
                let mut file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
                use std::io::Seek;
                file.seek(io::SeekFrom::Start(0))?;
                Source::File(BufReader::with_capacity(64 * 1024, file))
            }
        };
        Ok(Cursor {
            source,
            remaining: self.rows,
        })
    }
}

/// A statement's open cursor: the rows not fetched yet.
#[derive(Debug)]
pub(crate) struct Cursor {
    source: Source,
    remaining: u64,
}

#[derive(Debug)]
enum Source {
    Memory { data: Vec<u8>, pos: usize },
    File(BufReader<File>),
}

/// Row payloads read from a cursor, back to back, with where each ends.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl Batch {
    /// The payloads in order.
    pub(crate) fn payloads(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let p = self.data.get(start..end).unwrap_or_default();
            start = end;
            p
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl Cursor {
    /// Rows not fetched yet.
    pub(crate) fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Whether reading may block on the file system (then it belongs on an engine thread).
    pub(crate) fn on_disk(&self) -> bool {
        matches!(self.source, Source::File(_))
    }

    /// Reads up to `max_rows` rows, stopping early once about `max_bytes` are read.
    pub(crate) fn read(&mut self, max_rows: u64, max_bytes: usize) -> io::Result<Batch> {
        let mut batch = Batch::default();
        let mut n = 0u64;
        while n < max_rows && self.remaining > 0 && batch.data.len() < max_bytes {
            match &mut self.source {
                Source::Memory { data, pos } => {
                    let bad = || io::Error::new(io::ErrorKind::UnexpectedEof, "cursor data cut");
                    let len_bytes = data.get(*pos..*pos + 4).ok_or_else(bad)?;
                    let mut len = [0u8; 4];
                    len.copy_from_slice(len_bytes);
                    let len = u32::from_le_bytes(len) as usize;
                    let start = *pos + 4;
                    let payload = data.get(start..start + len).ok_or_else(bad)?;
                    batch.data.extend_from_slice(payload);
                    *pos = start + len;
                }
                Source::File(r) => {
                    let mut len = [0u8; 4];
                    r.read_exact(&mut len)?;
                    let len = u32::from_le_bytes(len) as usize;
                    let start = batch.data.len();
                    batch.data.resize(start + len, 0);
                    if let Some(dst) = batch.data.get_mut(start..) {
                        r.read_exact(dst)?;
                    }
                }
            }
            batch.ends.push(batch.data.len());
            self.remaining -= 1;
            n += 1;
        }
        if self.remaining == 0 {
            // Nothing more to read: give the memory back now.
            if let Source::Memory { data, .. } = &mut self.source {
                *data = Vec::new();
            }
        }
        Ok(batch)
    }
}

/// What a [`SpoolSink`] leaves when its statement's rows end.
#[derive(Debug, Default)]
pub(crate) struct Spooled {
    /// The result's columns (set by the first row).
    pub(crate) columns: Option<Vec<Column>>,
    spool: Option<Spool>,
    /// A write that failed: ER_RECORD_FILE_FULL for the execute.
    pub(crate) error: Option<ErrTriple>,
}

/// The engine's [`RowSink`] for a statement executed with a cursor: rows are encoded in the
/// binary protocol and written to a [`Spool`] on the engine thread.
pub(crate) struct SpoolSink {
    spool: Option<Spool>,
    make: Encoder,
    encoder: Option<RowFn>,
    row: Vec<u8>,
    columns: Option<Vec<Column>>,
    error: Option<ErrTriple>,
    out: Arc<Mutex<Spooled>>,
}

impl std::fmt::Debug for SpoolSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpoolSink")
            .field("spool", &self.spool)
            .field("columns", &self.columns)
            .finish_non_exhaustive()
    }
}

impl SpoolSink {
    /// A sink writing to `spool` rows encoded by `make`'s function for the result's columns,
    /// and the slot it leaves its work in at the end.
    pub(crate) fn new(spool: Spool, make: Encoder) -> (Self, Arc<Mutex<Spooled>>) {
        let out = Arc::new(Mutex::new(Spooled::default()));
        let sink = SpoolSink {
            spool: Some(spool),
            make,
            encoder: None,
            row: Vec::new(),
            columns: None,
            error: None,
            out: out.clone(),
        };
        (sink, out)
    }
}

/// MySQL's ER_RECORD_FILE_FULL for a spool that could not be written.
fn file_full(spool: Option<&Spool>) -> ErrTriple {
    let name = spool
        .and_then(Spool::path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "#sql_cursor".to_string());
    (1114, "HY000", format!("The table '{name}' is full"))
}

impl RowSink for SpoolSink {
    fn begin(
        &mut self,
        columns: &[Column],
        _autocommit: bool,
        _in_transaction: bool,
    ) -> Result<(), SinkClosed> {
        self.encoder = Some((self.make)(columns));
        self.columns = Some(columns.to_vec());
        Ok(())
    }

    fn row(&mut self, row: &[Value]) -> Result<(), SinkClosed> {
        let (Some(enc), Some(spool)) = (&self.encoder, &mut self.spool) else {
            return Err(SinkClosed);
        };
        self.row.clear();
        enc(&mut self.row, row);
        if spool.push(&self.row).is_err() {
            self.error = Some(file_full(Some(spool)));
            self.spool = None;
            return Err(SinkClosed);
        }
        Ok(())
    }

    fn end(&mut self) {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        out.columns = self.columns.take();
        out.spool = self.spool.take();
        out.error = self.error.take();
    }
}

impl Spooled {
    /// The open cursor for a statement whose only result was streamed into the sink.
    pub(crate) fn into_cursor(self) -> Result<(Vec<Column>, Cursor), ErrTriple> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let (Some(columns), Some(spool)) = (self.columns, self.spool) else {
            return Err(file_full(None));
        };
        Ok((columns, finish(spool)?))
    }
}

/// The open cursor for a result the engine returned whole (`Outcome::Rows`).
pub(crate) fn from_rows(
    columns: &[Column],
    rows: &[Vec<Value>],
    spool: Spool,
    make: &Encoder,
) -> Result<Cursor, ErrTriple> {
    let mut spool = spool;
    let enc = make(columns);
    let mut buf = Vec::new();
    for r in rows {
        buf.clear();
        enc(&mut buf, r);
        if spool.push(&buf).is_err() {
            return Err(file_full(Some(&spool)));
        }
    }
    finish(spool)
}

/// [`Spool::finish`], a failure as ER_RECORD_FILE_FULL.
fn finish(spool: Spool) -> Result<Cursor, ErrTriple> {
    let full = file_full(Some(&spool));
    spool.finish().map_err(|_| full)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rows(spool: &mut Spool, n: u32) {
        for i in 0..n {
            spool.push(format!("row {i}").as_bytes()).unwrap();
        }
    }

    fn read_all(mut c: Cursor, batch: u64) -> Vec<String> {
        let mut seen = Vec::new();
        while c.remaining() > 0 {
            let b = c.read(batch, usize::MAX).unwrap();
            assert!(b.len() as u64 <= batch);
            seen.extend(b.payloads().map(|p| String::from_utf8(p.to_vec()).unwrap()));
        }
        seen
    }

    #[test]
    fn rows_come_back_in_order_from_memory_and_from_a_spilled_file() {
        let dir = std::env::temp_dir();
        for limit in [1 << 20, 64] {
            let mut spool = Spool::new(limit, dir.clone());
            rows(&mut spool, 1000);
            assert_eq!(spool.path().is_some(), limit == 64);
            let c = spool.finish().unwrap();
            assert_eq!(c.on_disk(), limit == 64);
            let seen = read_all(c, 7);
            assert_eq!(seen.len(), 1000);
            for (i, s) in seen.iter().enumerate() {
                assert_eq!(s, &format!("row {i}"));
            }
        }
    }

    #[test]
    fn a_spilled_file_is_unlinked_at_once() {
        let mut spool = Spool::new(0, std::env::temp_dir());
        rows(&mut spool, 3);
        let path = spool.path().cloned().unwrap();
        assert!(!path.exists(), "{}", path.display());
        assert_eq!(read_all(spool.finish().unwrap(), 2).len(), 3);
    }

    #[test]
    fn an_unwritable_directory_is_mysqls_table_full_error() {
        let mut spool = Spool::new(0, PathBuf::from("/nonexistent/myseal"));
        assert!(spool.push(b"x").is_err());
        let (code, state, msg) = file_full(Some(&spool));
        assert_eq!((code, state), (1114, "HY000"));
        assert!(
            msg.starts_with("The table '") && msg.ends_with("' is full"),
            "{msg}"
        );
    }
}
