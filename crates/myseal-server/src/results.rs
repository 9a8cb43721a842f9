//! Result sets on the wire: column definitions, text and binary rows, and the sink that
//! streams a running statement's rows to the client.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset.html>
//!
//! A streamed result is encoded on the engine thread, in chunks of about 64 KiB of packet
//! payloads, and handed to the connection's task through a bounded channel: a client that
//! reads slowly makes the statement wait (memory stays bounded), and a client that is gone
//! closes the channel, which stops the statement.

use myseal_engine::charset::Charset;
use myseal_engine::collation::Collation;
use myseal_engine::{Column, ColumnKind, RowSink, SinkClosed, Value};
use myseal_wire::constants::{CapabilityFlags as Caps, ColumnFlags, ColumnType, StatusFlags};
use myseal_wire::response::EofPacket;
use myseal_wire::resultset::{encode_column_count, encode_text_row, ColumnDefinition41};
use myseal_wire::statement::BinaryCell;
use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;

use crate::statements;

/// utf8mb4_0900_ai_ci, MySQL 8.4's default collation.
pub(crate) const UTF8MB4_0900_AI_CI: u8 = 255;
/// The `binary` character set.
pub(crate) const BINARY_CHARSET: u16 = 63;

/// A chunk is sent once its payloads reach this size.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks in flight between the engine thread and the connection's task.
pub(crate) const CHUNKS_IN_FLIGHT: usize = 2;

/// Text (COM_QUERY) or binary (COM_STMT_EXECUTE) result-set rows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Protocol {
    Text,
    Binary,
}

/// Packet payloads, back to back, with where each ends.
#[derive(Debug, Default)]
pub(crate) struct Chunk {
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl Chunk {
    /// Appends one payload written by `f`.
    fn push(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        f(&mut self.data);
        self.ends.push(self.data.len());
    }

    /// The payloads in order.
    pub(crate) fn payloads(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let p = self.data.get(start..end).unwrap_or_default();
            start = end;
            p
        })
    }

    fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Writes the payloads that open a result set: column count, definitions, and EOF unless the
/// client deprecated it, for a session whose `character_set_results` is `results` (see
/// [`myseal_engine::Session::results_collation`]; None: text as the engine has it): text
/// columns carry its id and names are converted to it.
pub(crate) fn header_in(
    columns: &[Column],
    caps: Caps,
    flags: StatusFlags,
    results: Option<Collation>,
    emit: &mut impl FnMut(&[u8]),
) {
    let mut out = Vec::with_capacity(128);
    encode_column_count(&mut out, columns.len() as u64);
    emit(&out);
    for c in columns {
        out.clear();
        encode_definition(&column_definition_in(c, results), results, &mut out);
        emit(&out);
    }
    if !caps.contains(Caps::CLIENT_DEPRECATE_EOF) {
        out.clear();
        EofPacket {
            warnings: 0,
            status_flags: flags,
        }
        .encode(&mut out);
        emit(&out);
    }
}

/// Encodes rows for one result set's columns.
#[derive(Debug)]
pub(crate) struct RowEncoder {
    protocol: Protocol,
    types: Vec<ColumnType>,
    decimals: Vec<u8>,
    /// Whether any column's strings are converted.
    convert: bool,
    /// Per column: the character set its strings go out in when not the engine's UTF-8:
    /// `character_set_results` for a text column, or, when that is binary or NULL (no
    /// conversion), the column's own set (a latin1 column's values as latin1 bytes, as MySQL
    /// sends what it stores).
    targets: Vec<Option<Charset>>,
}

impl RowEncoder {
    /// An encoder converting text columns to `results` (see [`header_in`]).
    pub(crate) fn new_in(
        columns: &[Column],
        protocol: Protocol,
        results: Option<Collation>,
    ) -> Self {
        let defs: Vec<ColumnDefinition41> = columns.iter().map(column_definition).collect();
        let utf8 =
            |cs: &Charset| matches!(cs, Charset::Utf8mb4 | Charset::Utf8mb3 | Charset::Binary);
        let targets: Vec<Option<Charset>> = defs
            .iter()
            .map(|d| {
                if d.character_set == BINARY_CHARSET {
                    return None;
                }
                match results.map(Charset::of) {
                    Some(Charset::Utf8mb4) => None,
                    Some(cs) if cs != Charset::Binary => Some(cs),
                    // binary or NULL: no conversion, so the column's own encoding.
                    _ => Collation::from_id(d.character_set)
                        .map(Charset::of)
                        .filter(|cs| !utf8(cs)),
                }
            })
            .collect();
        RowEncoder {
            protocol,
            types: defs.iter().map(|d| d.column_type).collect(),
            decimals: columns
                .iter()
                .map(|c| if c.decimals <= 6 { c.decimals } else { 0 })
                .collect(),
            convert: targets.iter().any(Option::is_some),
            targets,
        }
    }

    /// The character set column `i`'s strings are converted to, if any.
    fn target(&self, i: usize) -> Option<Charset> {
        self.targets.get(i).copied().flatten()
    }

    /// Appends one row's payload to `out`.
    pub(crate) fn encode(&self, out: &mut Vec<u8>, row: &[Value]) {
        if self.convert {
            return self.encode_converted(out, row);
        }
        match self.protocol {
            Protocol::Text => {
                // Value by value (a text row is the values back to back); strings are written
                // from the row itself, without a copy.
                for (v, d) in row.iter().zip(&self.decimals) {
                    match v {
                        Value::Null => encode_text_row(out, [None]),
                        Value::Bytes(b) => encode_text_row(out, [Some(b.as_slice())]),
                        other => {
                            let text = other.to_text_fsp(*d);
                            encode_text_row(out, [text.as_deref()]);
                        }
                    }
                }
            }
            Protocol::Binary => {
                let texts: Vec<Option<Vec<u8>>> = row
                    .iter()
                    .zip(&self.decimals)
                    .map(|(v, d)| statements::cell_text(v, *d))
                    .collect();
                let cells: Vec<_> = row
                    .iter()
                    .zip(&texts)
                    .map(|(v, t)| statements::value_to_cell(v, t.as_deref()))
                    .collect();
                myseal_wire::statement::encode_binary_row(out, &cells, &self.types);
            }
        }
    }

    /// [`RowEncoder::encode`] with the strings of text columns in `character_set_results`.
    fn encode_converted(&self, out: &mut Vec<u8>, row: &[Value]) {
        let texts: Vec<Option<Cow<'_, [u8]>>> = row
            .iter()
            .zip(&self.decimals)
            .enumerate()
            .map(|(i, (v, d))| match (v, self.target(i)) {
                (Value::Null, _) => None,
                (Value::Bytes(b), Some(cs)) => Some(cs.encode(b)),
                (Value::Bytes(b), None) => Some(Cow::Borrowed(b.as_slice())),
                (other, _) if self.protocol == Protocol::Text => {
                    other.to_text_fsp(*d).map(Cow::Owned)
                }
                (other, _) => statements::cell_text(other, *d).map(Cow::Owned),
            })
            .collect();
        match self.protocol {
            Protocol::Text => {
                for t in &texts {
                    encode_text_row(out, [t.as_deref()]);
                }
            }
            Protocol::Binary => {
                let cells: Vec<_> = row
                    .iter()
                    .zip(&texts)
                    .map(|(v, t)| match (v, t) {
                        (Value::Bytes(_), Some(t)) => BinaryCell::Bytes(t),
                        _ => statements::value_to_cell(v, t.as_deref()),
                    })
                    .collect();
                myseal_wire::statement::encode_binary_row(out, &cells, &self.types);
            }
        }
    }
}

/// Column `c`'s definition as a session whose `character_set_results` is `results` gets it:
/// MySQL's `Protocol_classic::send_field_metadata` labels every text column with the
/// results collation's id and counts its length in that set's bytes (characters × Maxlen);
/// binary and non-text columns, and a NULL `character_set_results`, keep their own.
pub(crate) fn column_definition_in(c: &Column, results: Option<Collation>) -> ColumnDefinition41 {
    let mut def = column_definition(c);
    if let Some(to) = results.filter(|_| def.character_set != BINARY_CHARSET) {
        let from = Collation::from_id(def.character_set).map_or(4, Collation::max_bytes_per_char);
        def.character_set = to.id();
        if def.column_length != u32::MAX {
            let chars = u64::from(def.column_length / from.max(1));
            def.column_length =
                u32::try_from(chars * u64::from(to.max_bytes_per_char())).unwrap_or(u32::MAX);
        }
    }
    def
}

/// Encodes a definition, its names converted to `character_set_results`.
pub(crate) fn encode_definition(
    def: &ColumnDefinition41,
    results: Option<Collation>,
    out: &mut Vec<u8>,
) {
    match results.map(Charset::of) {
        Some(cs) if !matches!(cs, Charset::Utf8mb4 | Charset::Binary) => {
            def.encode_names_with(out, |s| cs.encode(s.as_bytes()));
        }
        _ => def.encode(out),
    }
}

/// The engine's [`RowSink`] for one statement: rows encoded here, sent in chunks. What is left
/// when the rows end stays in `rest` for the connection's task to write with the end of the
/// result, so a small result costs no channel send (and no extra wake-up or write).
#[derive(Debug)]
pub(crate) struct ChannelSink {
    tx: mpsc::Sender<Chunk>,
    caps: Caps,
    protocol: Protocol,
    encoder: Option<RowEncoder>,
    chunk: Chunk,
    rest: Arc<Mutex<Chunk>>,
    /// sql_mode had NO_BACKSLASH_ESCAPES when the statement started (a status flag).
    no_backslash_escapes: bool,
    /// The session's `character_set_results` when the statement started.
    results: Option<Collation>,
}

impl ChannelSink {
    /// A sink, and the slot where the last (partial) chunk is left.
    pub(crate) fn new(
        tx: mpsc::Sender<Chunk>,
        caps: Caps,
        protocol: Protocol,
        no_backslash_escapes: bool,
    ) -> (Self, Arc<Mutex<Chunk>>) {
        let rest = Arc::new(Mutex::new(Chunk::default()));
        let sink = ChannelSink {
            tx,
            caps,
            protocol,
            encoder: None,
            chunk: Chunk::default(),
            rest: rest.clone(),
            no_backslash_escapes,
            results: None,
        };
        (sink, rest)
    }

    /// Converts the result's text to `results` (the session's `character_set_results`).
    pub(crate) fn with_results(mut self, results: Option<Collation>) -> Self {
        self.results = results;
        self
    }

    fn send(&mut self) -> Result<(), SinkClosed> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.chunk);
        self.tx.blocking_send(chunk).map_err(|_| SinkClosed)
    }
}

impl RowSink for ChannelSink {
    fn begin(
        &mut self,
        columns: &[Column],
        autocommit: bool,
        in_transaction: bool,
    ) -> Result<(), SinkClosed> {
        let mut flags = StatusFlags(0);
        if autocommit {
            flags |= StatusFlags::SERVER_STATUS_AUTOCOMMIT;
        }
        if in_transaction {
            flags |= StatusFlags::SERVER_STATUS_IN_TRANS;
        }
        if self.no_backslash_escapes {
            flags |= StatusFlags::SERVER_STATUS_NO_BACKSLASH_ESCAPES;
        }
        let chunk = &mut self.chunk;
        header_in(columns, self.caps, flags, self.results, &mut |p| {
            chunk.push(|d| d.extend_from_slice(p))
        });
        self.encoder = Some(RowEncoder::new_in(columns, self.protocol, self.results));
        Ok(())
    }

    fn row(&mut self, row: &[Value]) -> Result<(), SinkClosed> {
        if let Some(enc) = &self.encoder {
            self.chunk.push(|d| enc.encode(d, row));
        }
        if self.chunk.data.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(())
    }

    fn end(&mut self) {
        let chunk = std::mem::take(&mut self.chunk);
        *self.rest.lock().unwrap_or_else(PoisonError::into_inner) = chunk;
        self.encoder = None;
    }
}

/// Engine column → Protocol::ColumnDefinition41, with MySQL's types and flags.
pub(crate) fn column_definition(c: &myseal_engine::Column) -> ColumnDefinition41 {
    if let Some(m) = &c.meta {
        return ColumnDefinition41 {
            schema: c.schema.clone(),
            table: c.table.clone(),
            org_table: c.org_table.clone(),
            name: c.name.clone(),
            org_name: c.org_name.clone(),
            character_set: m.collation_id,
            column_length: c.length,
            column_type: ColumnType(m.field_type.code()),
            flags: ColumnFlags(m.flags),
            decimals: c.decimals,
        };
    }
    let (column_type, charset, numeric) = match c.kind {
        ColumnKind::Int | ColumnKind::UInt => (ColumnType::LONGLONG, BINARY_CHARSET, true),
        ColumnKind::Double => (ColumnType::DOUBLE, BINARY_CHARSET, true),
        ColumnKind::Decimal => (ColumnType::NEWDECIMAL, BINARY_CHARSET, true),
        ColumnKind::VarString if c.binary => (ColumnType::VAR_STRING, BINARY_CHARSET, false),
        ColumnKind::VarString => (ColumnType::VAR_STRING, u16::from(UTF8MB4_0900_AI_CI), false),
        ColumnKind::Blob => (ColumnType::BLOB, BINARY_CHARSET, false),
        ColumnKind::Null => (ColumnType::NULL, BINARY_CHARSET, false),
        #[allow(unreachable_patterns)]
        _ => (ColumnType::VAR_STRING, u16::from(UTF8MB4_0900_AI_CI), false),
    };
    let mut flags = ColumnFlags(0);
    if !c.nullable {
        flags |= ColumnFlags::NOT_NULL;
    }
    if c.unsigned || c.kind == ColumnKind::UInt {
        flags |= ColumnFlags::UNSIGNED;
    }
    if c.binary || charset == BINARY_CHARSET && !numeric && c.kind != ColumnKind::Null {
        flags |= ColumnFlags::BINARY;
    }
    if numeric {
        flags |= ColumnFlags::NUM;
    }
    ColumnDefinition41 {
        schema: c.schema.clone(),
        table: c.table.clone(),
        org_table: c.org_table.clone(),
        name: c.name.clone(),
        org_name: c.org_name.clone(),
        character_set: charset,
        column_length: c.length,
        column_type,
        flags,
        decimals: c.decimals,
    }
}
