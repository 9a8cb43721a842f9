//! Cross-checks of the binary protocol against `mysql_common` 0.37: its client-side
//! COM_STMT_EXECUTE / COM_STMT_SEND_LONG_DATA must decode here, and its binary row parser must
//! read our rows.

use std::sync::Arc;

use mysql_common::constants::{ColumnFlags as TheirFlags, ColumnType as TheirType};
use mysql_common::io::ParseBuf;
use mysql_common::packets::{
    Column, ComStmtExecuteRequestBuilder, ComStmtSendLongData, StmtPacket,
};
use mysql_common::proto::{Binary, MySerialize};
use mysql_common::row::RowDeserializer;
use mysql_common::value::ServerSide;
use mysql_common::Value;

use crate::constants::{com, ColumnType};
use crate::statement::{
    encode_binary_row, BinaryCell, ParamType, ParamValue, StmtExecute, StmtPrepareOk,
    StmtSendLongData,
};

#[test]
fn our_prepare_ok_parses_as_a_mysql_common_stmt_packet() {
    let ours = StmtPrepareOk {
        statement_id: 77,
        num_columns: 4,
        num_params: 3,
        warning_count: 1,
    };
    let mut bytes = Vec::new();
    ours.encode(&mut bytes);
    let theirs: StmtPacket = ParseBuf(&bytes).parse(()).unwrap();
    assert_eq!(theirs.statement_id(), 77);
    assert_eq!(theirs.num_columns(), 4);
    assert_eq!(theirs.num_params(), 3);
    assert_eq!(theirs.warning_count(), 1);
    let mut back = Vec::new();
    theirs.serialize(&mut back);
    assert_eq!(back, bytes);
    assert_eq!(StmtPrepareOk::decode(&back).unwrap(), ours);
}

#[test]
fn a_mysql_common_execute_request_decodes_with_ours_and_re_encodes_identically() {
    let values = [
        Value::Int(-5),
        Value::UInt(u64::MAX),
        Value::NULL,
        Value::Bytes(b"caf\xC3\xA9".to_vec()),
        Value::Float(1.25),
        Value::Double(-0.5),
        Value::Date(2024, 2, 29, 0, 0, 0, 0),
        Value::Date(2024, 2, 29, 13, 14, 15, 0),
        Value::Date(2024, 2, 29, 13, 14, 15, 16),
        Value::Time(true, 1, 2, 3, 4, 0),
        Value::Time(false, 0, 2, 3, 4, 999_999),
        Value::Bytes(vec![b'z'; 300]),
    ];
    let (request, as_long_data) = ComStmtExecuteRequestBuilder::new(31).build(&values);
    assert!(!as_long_data);
    let mut packet = Vec::new();
    request.serialize(&mut packet);
    assert_eq!(packet.first(), Some(&com::STMT_EXECUTE));
    let body = &packet[1..];

    let ours = StmtExecute::decode(body, values.len(), None).unwrap();
    assert_eq!(ours.statement_id, 31);
    assert_eq!(ours.flags, 0);
    assert_eq!(ours.iteration_count, 1);
    let dt = |hour, minute, second, micro| ParamValue::DateTime {
        year: 2024,
        month: 2,
        day: 29,
        hour,
        minute,
        second,
        micro,
    };
    assert_eq!(
        ours.params,
        [
            ParamValue::Int(-5),
            ParamValue::UInt(u64::MAX),
            ParamValue::Null,
            ParamValue::Bytes(b"caf\xC3\xA9".to_vec()),
            ParamValue::Float(1.25),
            ParamValue::Double(-0.5),
            ParamValue::Date {
                year: 2024,
                month: 2,
                day: 29
            },
            dt(13, 14, 15, 0),
            dt(13, 14, 15, 16),
            ParamValue::Time {
                negative: true,
                days: 1,
                hour: 2,
                minute: 3,
                second: 4,
                micro: 0
            },
            ParamValue::Time {
                negative: false,
                days: 0,
                hour: 2,
                minute: 3,
                second: 4,
                micro: 999_999
            },
            ParamValue::Bytes(vec![b'z'; 300]),
        ]
    );
    let t = |column_type, unsigned| ParamType {
        column_type,
        unsigned,
    };
    assert_eq!(ours.types[0], t(ColumnType::LONGLONG, false));
    assert_eq!(ours.types[1], t(ColumnType::LONGLONG, true));
    assert_eq!(ours.types[2], t(ColumnType::NULL, false));
    assert_eq!(ours.types[3], t(ColumnType::VAR_STRING, false));
    assert_eq!(ours.types[6], t(ColumnType::DATETIME, false));
    assert_eq!(ours.types[9], t(ColumnType::TIME, false));

    let mut again = Vec::new();
    ours.encode(&mut again);
    assert_eq!(again, body);
}

#[test]
fn a_mysql_common_send_long_data_decodes_with_ours() {
    let theirs = ComStmtSendLongData::new(5, 2, &b"long \x00 value"[..]);
    let mut packet = Vec::new();
    theirs.serialize(&mut packet);
    assert_eq!(packet.first(), Some(&com::STMT_SEND_LONG_DATA));
    let ours = StmtSendLongData::decode(&packet[1..]).unwrap();
    assert_eq!(
        ours,
        StmtSendLongData {
            statement_id: 5,
            param_id: 2,
            data: b"long \x00 value".to_vec(),
        }
    );
    let mut again = Vec::new();
    ours.encode(&mut again);
    assert_eq!(again, &packet[1..]);
}

#[test]
fn mysql_common_parses_our_binary_rows() {
    let columns = [
        (ColumnType::LONGLONG, TheirType::MYSQL_TYPE_LONGLONG, false),
        (ColumnType::LONGLONG, TheirType::MYSQL_TYPE_LONGLONG, true),
        (ColumnType::LONG, TheirType::MYSQL_TYPE_LONG, false),
        (ColumnType::INT24, TheirType::MYSQL_TYPE_INT24, true),
        (ColumnType::SHORT, TheirType::MYSQL_TYPE_SHORT, false),
        (ColumnType::YEAR, TheirType::MYSQL_TYPE_YEAR, true),
        (ColumnType::TINY, TheirType::MYSQL_TYPE_TINY, false),
        (ColumnType::DOUBLE, TheirType::MYSQL_TYPE_DOUBLE, false),
        (ColumnType::FLOAT, TheirType::MYSQL_TYPE_FLOAT, false),
        (
            ColumnType::VAR_STRING,
            TheirType::MYSQL_TYPE_VAR_STRING,
            false,
        ),
        (
            ColumnType::NEWDECIMAL,
            TheirType::MYSQL_TYPE_NEWDECIMAL,
            false,
        ),
        (ColumnType::BLOB, TheirType::MYSQL_TYPE_BLOB, false),
        (ColumnType::DATE, TheirType::MYSQL_TYPE_DATE, false),
        (ColumnType::DATETIME, TheirType::MYSQL_TYPE_DATETIME, false),
        (
            ColumnType::TIMESTAMP,
            TheirType::MYSQL_TYPE_TIMESTAMP,
            false,
        ),
        (ColumnType::TIME, TheirType::MYSQL_TYPE_TIME, false),
        (ColumnType::JSON, TheirType::MYSQL_TYPE_JSON, false),
    ];
    let long = vec![b'q'; 70_000];
    let rows: [Vec<BinaryCell<'_>>; 2] = [
        vec![
            BinaryCell::I64(i64::MIN),
            BinaryCell::U64(u64::MAX),
            BinaryCell::I64(-70_000),
            BinaryCell::U64(0xFF_FFFF),
            BinaryCell::I64(-300),
            BinaryCell::U64(2024),
            BinaryCell::I64(-128),
            BinaryCell::F64(-2.75),
            BinaryCell::F64(0.25),
            BinaryCell::Bytes(b"hello"),
            BinaryCell::Bytes(b"-12.50"),
            BinaryCell::Bytes(&long),
            BinaryCell::Bytes(b"2024-02-29"),
            BinaryCell::Bytes(b"1999-12-31 23:59:58"),
            BinaryCell::Bytes(b"2000-01-01 00:00:01.000002"),
            BinaryCell::Bytes(b"-100:00:01.5"),
            BinaryCell::Bytes(b"{\"a\": 1}"),
        ],
        vec![
            BinaryCell::Null,
            BinaryCell::U64(0),
            BinaryCell::Null,
            BinaryCell::Null,
            BinaryCell::Null,
            BinaryCell::Null,
            BinaryCell::Null,
            BinaryCell::I64(3),
            BinaryCell::Null,
            BinaryCell::I64(7),
            BinaryCell::Null,
            BinaryCell::Bytes(b""),
            BinaryCell::Bytes(b"0000-00-00"),
            BinaryCell::Null,
            BinaryCell::Null,
            BinaryCell::Bytes(b"00:00:00"),
            BinaryCell::Null,
        ],
    ];
    let want: [Vec<Value>; 2] = [
        vec![
            Value::Int(i64::MIN),
            Value::UInt(u64::MAX),
            Value::Int(-70_000),
            Value::Int(0xFF_FFFF),
            Value::Int(-300),
            Value::Int(2024),
            Value::Int(-128),
            Value::Double(-2.75),
            Value::Float(0.25),
            Value::Bytes(b"hello".to_vec()),
            Value::Bytes(b"-12.50".to_vec()),
            Value::Bytes(long.clone()),
            Value::Date(2024, 2, 29, 0, 0, 0, 0),
            Value::Date(1999, 12, 31, 23, 59, 58, 0),
            Value::Date(2000, 1, 1, 0, 0, 1, 2),
            Value::Time(true, 4, 4, 0, 1, 500_000),
            Value::Bytes(b"{\"a\": 1}".to_vec()),
        ],
        vec![
            Value::NULL,
            // mysql_common reports unsigned values that fit in i64 as Int.
            Value::Int(0),
            Value::NULL,
            Value::NULL,
            Value::NULL,
            Value::NULL,
            Value::NULL,
            Value::Double(3.0),
            Value::NULL,
            Value::Bytes(b"7".to_vec()),
            Value::NULL,
            Value::Bytes(Vec::new()),
            Value::Date(0, 0, 0, 0, 0, 0, 0),
            Value::NULL,
            Value::NULL,
            Value::Time(false, 0, 0, 0, 0, 0),
            Value::NULL,
        ],
    ];
    let ours: Vec<ColumnType> = columns.iter().map(|c| c.0).collect();
    let theirs: Arc<[Column]> = columns
        .iter()
        .map(|&(_, t, unsigned)| {
            let flags = if unsigned {
                TheirFlags::UNSIGNED_FLAG
            } else {
                TheirFlags::empty()
            };
            Column::new(t).with_flags(flags)
        })
        .collect();
    for (cells, want) in rows.iter().zip(want) {
        let mut bytes = Vec::new();
        encode_binary_row(&mut bytes, cells, &ours);
        let mut buf = ParseBuf(&bytes);
        let row: RowDeserializer<ServerSide, Binary> = buf.parse(theirs.clone()).unwrap();
        assert!(buf.is_empty(), "mysql_common left bytes unread");
        assert_eq!(row.into_inner().unwrap(), want);
    }
}
