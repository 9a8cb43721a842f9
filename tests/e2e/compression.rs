//! The compressed protocol: mysql_async with zlib over verified TLS, a raw client speaking zstd,
//! `protocol_compression_algorithms`, malformed frames, and bytes on the wire.

use bytes::{Buf, BytesMut};
use myseal_wire::codec::{decode_packet, encode_packet, Packet};
use myseal_wire::connect::HandshakeResponse41;
use myseal_wire::constants::CapabilityFlags as Caps;
use mysql_async::prelude::Queryable;
use mysql_async::{Compression, Conn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::util::{self, err_of, Raw, ROOT_PASSWORD};

async fn compressed_conn(port: u16) -> Conn {
    let opts = mysql_async::OptsBuilder::from_opts(util::mysql_async_opts(
        port,
        "root",
        ROOT_PASSWORD,
        Some(util::verified_ssl()),
    ))
    .compression(Compression::default());
    Conn::new(opts).await.expect("compressed connection")
}

async fn compression_status(conn: &mut Conn) -> Vec<(String, String)> {
    conn.query("SHOW SESSION STATUS LIKE 'Compression%'")
        .await
        .unwrap()
}

fn status(on: &str, algorithm: &str, level: &str) -> Vec<(String, String)> {
    vec![
        ("Compression".into(), on.into()),
        ("Compression_algorithm".into(), algorithm.into()),
        ("Compression_level".into(), level.into()),
    ]
}

#[tokio::test]
async fn mysql_async_with_zlib_runs_queries_result_sets_and_20_mib_blobs() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = compressed_conn(port).await;
    assert_eq!(
        compression_status(&mut conn).await,
        status("ON", "zlib", "6")
    );
    let mut plain = util::root_conn(port).await;
    assert_eq!(compression_status(&mut plain).await, status("OFF", "", "0"));

    // A multi-row result set, text and binary protocol.
    conn.query_drop("CREATE DATABASE z").await.unwrap();
    conn.query_drop("CREATE TABLE z.t (id INT PRIMARY KEY, name VARCHAR(64), b LONGBLOB)")
        .await
        .unwrap();
    let values: Vec<String> = (0..1000)
        .map(|i| format!("({i}, 'name number {i}', NULL)"))
        .collect();
    conn.query_drop(format!("INSERT INTO z.t VALUES {}", values.join(",")))
        .await
        .unwrap();
    let rows: Vec<(i32, String)> = conn
        .query("SELECT id, name FROM z.t ORDER BY id")
        .await
        .unwrap();
    assert_eq!(rows.len(), 1000);
    assert!(rows
        .iter()
        .enumerate()
        .all(|(i, (id, name))| *id == i as i32 && *name == format!("name number {i}")));
    let rows: Vec<(i32, String)> = conn
        .exec("SELECT id, name FROM z.t WHERE id >= ? ORDER BY id", (500,))
        .await
        .unwrap();
    assert_eq!(rows.len(), 500);
    assert_eq!(rows[0], (500, "name number 500".to_string()));

    // 20 MiB each way: a parameter of a prepared statement (packets over 16 MiB, frames of at
    // most 16 MiB), and a REPEAT() result.
    let blob: Vec<u8> = (0..20u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 & 0x3f)
        .collect();
    conn.exec_drop("UPDATE z.t SET b = ? WHERE id = 7", (blob.clone(),))
        .await
        .unwrap();
    let back: Option<Vec<u8>> = conn
        .exec_first("SELECT b FROM z.t WHERE id = ?", (7,))
        .await
        .unwrap();
    assert!(
        back.as_deref() == Some(&blob[..]),
        "blob differs after round trip"
    );
    let len: Option<(u64, u64)> = conn
        .query_first("SELECT LENGTH(b), LENGTH(REPEAT('ab', 10485760)) FROM z.t WHERE id = 7")
        .await
        .unwrap();
    assert_eq!(len, Some((20 << 20, 20 << 20)));
    let repeated: Option<Vec<u8>> = conn
        .query_first("SELECT REPEAT('ab', 10485760)")
        .await
        .unwrap();
    assert_eq!(repeated.map(|r| r.len()), Some(20 << 20));
    // The connection is still in step afterwards.
    let one: Option<i32> = conn.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    conn.disconnect().await.unwrap();
    plain.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn protocol_compression_algorithms_decides_what_is_accepted() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut admin = util::root_conn(port).await;
    let v: Option<String> = admin
        .query_first("SELECT @@global.protocol_compression_algorithms")
        .await
        .unwrap();
    assert_eq!(v.as_deref(), Some("zlib,zstd,uncompressed"));
    let e = admin
        .query_drop("SET GLOBAL protocol_compression_algorithms = 'lz4'")
        .await
        .unwrap_err();
    assert_eq!(util::server_code(&e), Some(1231));

    // zlib not permitted and uncompressed not either: a zlib client is refused, as MySQL does.
    admin
        .query_drop("SET GLOBAL protocol_compression_algorithms = 'zstd'")
        .await
        .unwrap();
    let opts = mysql_async::OptsBuilder::from_opts(util::mysql_async_opts(
        port,
        "root",
        ROOT_PASSWORD,
        Some(util::verified_ssl()),
    ))
    .compression(Compression::default());
    let e = Conn::new(opts).await.unwrap_err();
    assert_eq!(util::server_code(&e), Some(3922), "{e}");
    assert!(
        e.to_string()
            .contains("Invalid compression algorithm 'uncompressed'"),
        "{e}"
    );

    // Uncompressed only: a compressing client gets an uncompressed connection.
    admin
        .query_drop("SET GLOBAL protocol_compression_algorithms = 'uncompressed'")
        .await
        .unwrap();
    let mut c = compressed_conn(port).await;
    assert_eq!(compression_status(&mut c).await, status("OFF", "", "0"));
    c.disconnect().await.unwrap();

    admin
        .query_drop("SET GLOBAL protocol_compression_algorithms = 'zlib'")
        .await
        .unwrap();
    let mut c = compressed_conn(port).await;
    assert_eq!(compression_status(&mut c).await, status("ON", "zlib", "6"));
    c.disconnect().await.unwrap();
    admin.disconnect().await.unwrap();
    server.shutdown().await;
}

/// A raw client speaking the compressed protocol (zlib or zstd), counting bytes on the wire.
struct Compressed {
    raw: Raw,
    zstd: bool,
    wire: BytesMut,
    plain: BytesMut,
    seq: u8,
    received: usize,
}

impl Compressed {
    /// TLS login as root asking for `caps` (and zstd `level`); the server's reply to the response.
    async fn login(port: u16, caps: Caps, level: Option<u8>) -> (Raw, Packet) {
        let mut raw = Raw::connect(port).await;
        let g = raw.greeting().await;
        assert!(g.capability_flags.contains(Caps::CLIENT_COMPRESS));
        assert!(g
            .capability_flags
            .contains(Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM));
        raw.start_tls(util::ca()).await.unwrap();
        let mut out = Vec::new();
        HandshakeResponse41 {
            capability_flags: util::client_caps() | caps,
            max_packet_size: 1 << 24,
            character_set: 255,
            username: "root".into(),
            auth_response: myseal_auth::caching_sha2::scramble(
                ROOT_PASSWORD.as_bytes(),
                &g.auth_plugin_data,
            )
            .to_vec(),
            database: None,
            auth_plugin_name: Some("caching_sha2_password".into()),
            connect_attrs: vec![],
            zstd_compression_level: level,
        }
        .encode(&mut out);
        raw.write(&out).await;
        loop {
            let p = raw.read().await.expect("auth reply");
            match p.payload.first() {
                Some(0x01) if p.payload.get(1) == Some(&4) => {
                    let mut pw = ROOT_PASSWORD.as_bytes().to_vec();
                    pw.push(0);
                    raw.write(&pw).await;
                }
                Some(0x01) => {}
                _ => return (raw, p),
            }
        }
    }

    async fn connect(port: u16, zstd: bool) -> Compressed {
        let (caps, level) = if zstd {
            (Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM, Some(3))
        } else {
            (Caps::CLIENT_COMPRESS, None)
        };
        let (raw, ok) = Compressed::login(port, caps, level).await;
        assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", err_of(&ok));
        Compressed {
            raw,
            zstd,
            wire: BytesMut::new(),
            plain: BytesMut::new(),
            seq: 0,
            received: 0,
        }
    }

    /// Sends one command packet in one frame (uncompressed payload, as MySQL does below 50 bytes).
    async fn command(&mut self, payload: &[u8]) {
        let mut packet = BytesMut::new();
        encode_packet(&mut packet, 0, payload);
        let mut frame = (packet.len() as u32).to_le_bytes()[..3].to_vec();
        frame.extend_from_slice(&[0, 0, 0, 0]);
        frame.extend_from_slice(&packet);
        self.seq = 1;
        self.raw.write_raw(&frame).await;
    }

    /// The next packet of the response (None when the server closed the connection).
    async fn read(&mut self) -> Option<Packet> {
        loop {
            if let Some(p) = decode_packet(&mut self.plain, 1 << 30).unwrap() {
                return Some(p);
            }
            if self.wire.len() >= 7 {
                let len = self.wire[0] as usize
                    | (self.wire[1] as usize) << 8
                    | (self.wire[2] as usize) << 16;
                let before = self.wire[4] as usize
                    | (self.wire[5] as usize) << 8
                    | (self.wire[6] as usize) << 16;
                if self.wire.len() >= 7 + len {
                    assert_eq!(self.wire[3], self.seq, "compressed sequence id");
                    self.seq = self.seq.wrapping_add(1);
                    self.wire.advance(7);
                    let data = self.wire.split_to(len);
                    if before == 0 {
                        self.plain.extend_from_slice(&data);
                    } else if self.zstd {
                        let out = zstd::bulk::decompress(&data, before).unwrap();
                        assert_eq!(out.len(), before);
                        self.plain.extend_from_slice(&out);
                    } else {
                        let mut out = Vec::new();
                        std::io::Read::read_to_end(
                            &mut flate2::read::ZlibDecoder::new(&data[..]),
                            &mut out,
                        )
                        .unwrap();
                        assert_eq!(out.len(), before);
                        self.plain.extend_from_slice(&out);
                    }
                    continue;
                }
            }
            match self.raw.s.read_buf(&mut self.wire).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.received += n,
            }
        }
    }

    /// COM_QUERY of a statement returning rows (CLIENT_DEPRECATE_EOF): the text rows.
    async fn query_rows(&mut self, sql: &str) -> Vec<Vec<Option<String>>> {
        let mut cmd = vec![0x03];
        cmd.extend_from_slice(sql.as_bytes());
        self.command(&cmd).await;
        let first = self.read().await.expect("response");
        assert!(err_of(&first).is_none(), "{sql}: {:?}", err_of(&first));
        let columns = usize::from(first.payload[0]);
        for _ in 0..columns {
            self.read().await.expect("column definition");
        }
        let mut rows = Vec::new();
        loop {
            let p = self.read().await.expect("row or OK");
            if p.payload.first() == Some(&0xFE) && p.payload.len() < 0xFF_FFFF {
                return rows;
            }
            let row = myseal_wire::resultset::decode_text_row(&p.payload, columns).unwrap();
            rows.push(
                row.into_iter()
                    .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
                    .collect(),
            );
        }
    }
}

fn strings(rows: Vec<Vec<Option<String>>>) -> Vec<(String, String)> {
    rows.into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
        .collect()
}

#[tokio::test]
async fn a_raw_client_speaks_zstd_at_its_level_and_zlib() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut z = Compressed::connect(port, true).await;
    assert_eq!(
        strings(
            z.query_rows("SHOW SESSION STATUS LIKE 'Compression%'")
                .await
        ),
        status("ON", "zstd", "3")
    );
    let rows = z
        .query_rows("SELECT REPEAT('x', 1000), 'two' UNION ALL SELECT REPEAT('y', 200000), 'rows'")
        .await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0].as_deref().map(str::len), Some(200_000));

    let mut l = Compressed::connect(port, false).await;
    assert_eq!(
        strings(
            l.query_rows("SHOW SESSION STATUS LIKE 'Compression%'")
                .await
        ),
        status("ON", "zlib", "6")
    );

    // An invalid zstd level, or none, is ER 3923 (before authentication).
    for level in [Some(0), Some(23), None] {
        let (_raw, reply) =
            Compressed::login(port, Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM, level).await;
        let (code, _, msg) = err_of(&reply).expect("ERR");
        assert_eq!(
            (code, msg.as_str()),
            (3923, "Invalid zstd compression level for algorithm 'zstd'.")
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_garbage_frame_closes_only_its_connection() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut other = compressed_conn(port).await;
    for garbage in [
        // zlib data that is not zlib data.
        &[10, 0, 0, 0, 100, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10][..],
        // A frame claiming 16 MiB - 1 bytes before compression of 3 bytes.
        &[3, 0, 0, 0, 0xff, 0xff, 0xff, 0x78, 0x9c, 0x03][..],
        // A frame out of sequence.
        &[5, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0x0e][..],
    ] {
        let mut c = Compressed::connect(port, false).await;
        c.raw.write_raw(garbage).await;
        assert!(c.raw.closed_by_server().await, "{garbage:?}");
    }
    // A frame cut short by the client going away.
    let mut c = Compressed::connect(port, false).await;
    c.raw.write_raw(&[100, 0, 0, 0, 0, 0, 0, 1, 2]).await;
    c.raw.s.shutdown().await.unwrap();
    assert!(c.raw.closed_by_server().await);

    let one: Option<i32> = other.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    util::wait_for_connections(&server, 1).await;
    other.disconnect().await.unwrap();
    server.shutdown().await;
}

/// Bytes on the wire for the same result sets with and without compression (printed; run with
/// `--nocapture` to see them).
#[tokio::test]
async fn compression_reduces_bytes_on_the_wire() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut admin = util::root_conn(port).await;
    admin.query_drop("CREATE DATABASE sb").await.unwrap();
    // sysbench's sbtest: k INT, c CHAR(120) and pad CHAR(60) of random digit groups.
    admin
        .query_drop(
            "CREATE TABLE sb.sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL)",
        )
        .await
        .unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut digits = |groups: usize| {
        (0..groups)
            .map(|_| {
                (0..11)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        char::from(b'0' + (x % 10) as u8)
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("-")
    };
    let values: Vec<String> = (1..=1000)
        .map(|i| format!("({i}, {}, '{}', '{}')", i * 7 % 1000, digits(10), digits(5)))
        .collect();
    admin
        .query_drop(format!(
            "INSERT INTO sb.sbtest1 VALUES {}",
            values.join(",")
        ))
        .await
        .unwrap();

    let queries = [
        (
            "SELECT 1000 rows (id, k, c, pad)",
            "SELECT * FROM sb.sbtest1",
        ),
        (
            "read_only simple range (100 rows of c)",
            "SELECT c FROM sb.sbtest1 WHERE id BETWEEN 100 AND 199",
        ),
        (
            "read_only point select",
            "SELECT c FROM sb.sbtest1 WHERE id = 42",
        ),
    ];
    for (what, sql) in queries {
        let plain = plain_response_bytes(port, sql).await;
        let mut c = Compressed::connect(port, false).await;
        let before = c.received;
        assert!(!c.query_rows(sql).await.is_empty());
        let zlib = c.received - before;
        println!(
            "{what}: {plain} bytes uncompressed, {zlib} bytes with zlib ({:.2}x fewer)",
            plain as f64 / zlib as f64
        );
        if plain > 1000 {
            assert!(zlib * 3 / 2 < plain, "{what}: compression does not pay");
        }
    }
    admin.disconnect().await.unwrap();
    server.shutdown().await;
}

/// Bytes of the response to `sql` on a plain (uncompressed) connection, packet headers included.
async fn plain_response_bytes(port: u16, sql: &str) -> usize {
    let (mut raw, ok) = Compressed::login(port, Caps::empty(), None).await;
    assert_eq!(ok.payload.first(), Some(&0x00));
    raw.seq = 0;
    let mut cmd = vec![0x03];
    cmd.extend_from_slice(sql.as_bytes());
    raw.write(&cmd).await;
    let mut total = 0;
    let first = raw.read().await.unwrap();
    total += 4 + first.payload.len();
    let columns = usize::from(first.payload[0]);
    for _ in 0..columns {
        total += 4 + raw.read().await.unwrap().payload.len();
    }
    loop {
        let p = raw.read().await.unwrap();
        total += 4 + p.payload.len();
        if p.payload.first() == Some(&0xFE) && p.payload.len() < 0xFF_FFFF {
            return total;
        }
    }
}
