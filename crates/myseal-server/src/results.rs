//! Result sets on the wire: column definitions, text and binary rows, and the sink that
//! streams a running statement's rows to the client.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset.html>
//!
//! A streamed result is encoded on the engine thread, in chunks of about 64 KiB of packet
//! payloads, and handed to the connection's task through a bounded channel: a client that
//! reads slowly makes the statement wait (memory stays bounded), and a client that is gone
//! closes the channel, which stops the statement.

use myseal_engine::{Column, ColumnKind, RowSink, SinkClosed, Value};
use myseal_wire::constants::{CapabilityFlags as Caps, ColumnFlags, ColumnType, StatusFlags};
use myseal_wire::response::EofPacket;
use myseal_wire::resultset::{encode_column_count, encode_text_row, ColumnDefinition41};
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
/// client deprecated it.
pub(crate) fn header(
    columns: &[Column],
    caps: Caps,
    flags: StatusFlags,
    emit: &mut impl FnMut(&[u8]),
) {
    let mut out = Vec::with_capacity(128);
    encode_column_count(&mut out, columns.len() as u64);
    emit(&out);
    for c in columns {
        out.clear();
        column_definition(c).encode(&mut out);
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
}

impl RowEncoder {
    pub(crate) fn new(columns: &[Column], protocol: Protocol) -> Self {
        RowEncoder {
            protocol,
            types: columns
                .iter()
                .map(|c| column_definition(c).column_type)
                .collect(),
            decimals: columns
                .iter()
                .map(|c| if c.decimals <= 6 { c.decimals } else { 0 })
                .collect(),
        }
    }

    /// Appends one row's payload to `out`.
    pub(crate) fn encode(&self, out: &mut Vec<u8>, row: &[Value]) {
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
        };
        (sink, rest)
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
        header(columns, self.caps, flags, &mut |p| {
            chunk.push(|d| d.extend_from_slice(p))
        });
        self.encoder = Some(RowEncoder::new(columns, self.protocol));
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
