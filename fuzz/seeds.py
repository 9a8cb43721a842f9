#!/usr/bin/env python3
"""Regenerates the committed seed corpora of fuzz/corpus/ (run from anywhere; idempotent).

sql: the statements of tests/slt/mysql/*.test and SQL string literals of the engine's tests.
wire: hand-made packets (framing, COM_*, HandshakeResponse41, SslRequest, COM_CHANGE_USER,
COM_STMT_EXECUTE). auth: logins that succeed, switch, or go through full authentication.
certs: the dev certificates (if `cargo xtask certs` made them); the committed ones are a P-256 and an
RSA key and self-signed certificate made with `openssl req -x509 -newkey ec ...` and `openssl genrsa
-traditional 1024`, alone and as cert\0key\0ca[\0crl] inputs. config: config/myseal.toml.
"""
import hashlib
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def put(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def slt_statements(path):
    lines = path.read_text(errors="replace").splitlines()
    i = 0
    while i < len(lines):
        head = lines[i]
        if head.startswith("statement") or head.startswith("query"):
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() and lines[i] != "----":
                body.append(lines[i])
                i += 1
            yield "\n".join(body)
        i += 1


def sql():
    seen = set()
    for f in sorted((ROOT / "tests" / "slt" / "mysql").glob("*.test")):
        for s in slt_statements(f):
            seen.add(s)
    lit = re.compile(r'"((?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|SET|SHOW|WITH|REPLACE|EXPLAIN|GRANT|PREPARE|EXECUTE|DO|BEGIN|START|LOCK|CHECKSUM)\b[^"\\]*)"')
    for f in sorted((ROOT / "crates" / "myseal-engine" / "src" / "tests").glob("*.rs")):
        seen.update(m.group(1) for m in lit.finditer(f.read_text()))
    kept = sorted(s for s in seen if 0 < len(s.encode()) <= 400)
    # Every 2nd one keeps the corpus small but varied.
    for s in kept[::2]:
        put("sql", s.encode())


def frame(payload, seq=0):
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def lenenc(b):
    return bytes([len(b)]) + b


CAPS = 0x01FFA685  # CLIENT_PROTOCOL_41 | SECURE_CONNECTION | PLUGIN_AUTH | CONNECT_WITH_DB | ... | QUERY_ATTRIBUTES


def handshake_response(caps=CAPS, user=b"root", auth=b"\x01" * 20, db=b"d", plugin=b"mysql_native_password"):
    out = struct.pack("<IIB", caps, 16 * 1024 * 1024, 255) + b"\0" * 23
    out += user + b"\0" + lenenc(auth) + db + b"\0" + plugin + b"\0"
    out += lenenc(lenenc(b"_client_name") + lenenc(b"libmysql"))
    return out


def wire():
    put("wire", frame(b"\x03SELECT 1"))
    put("wire", frame(b"\x0e") + frame(b"\x01", 1))
    put("wire", frame(b"\x02d") + frame(b"\x09"))
    put("wire", b"\xff\xff\xff\x00" + b"\x03" + b"x" * 64)
    put("wire", handshake_response())
    put("wire", handshake_response(plugin=b"caching_sha2_password", auth=b"\x02" * 32))
    put("wire", struct.pack("<IIB", CAPS | 0x800, 16 * 1024 * 1024, 255) + b"\0" * 23)
    # COM_CHANGE_USER
    put("wire", b"\x11" + b"app\0" + lenenc(b"\x05" * 20) + b"d\0" + b"\xff\x00" + b"mysql_native_password\0" + lenenc(lenenc(b"a") + lenenc(b"b")))
    # COM_STMT_EXECUTE: id 1, flags 0, iterations 1, 2 params: NULL bitmap, bound, LONGLONG + VAR_STRING
    body = struct.pack("<IBI", 1, 0, 1) + b"\x00" + b"\x01" + b"\x08\x00\xfd\x00" + struct.pack("<q", -5) + lenenc(b"hi")
    put("wire", b"\x17\x02" + body[0:])
    # temporal params: DATETIME (7 bytes), TIME (12 bytes)
    body = struct.pack("<IBI", 7, 0, 1) + b"\x00" + b"\x01" + b"\x0c\x00\x0b\x00" + b"\x07" + struct.pack("<HBBBBB", 2024, 1, 2, 3, 4, 5) + b"\x0c\x01" + struct.pack("<IBBBI", 1, 2, 3, 4, 5)
    put("wire", b"\x17\x02" + body)
    put("wire", b"\x18" + struct.pack("<IH", 1, 0) + b"long data")
    put("wire", b"\x19" + struct.pack("<I", 1))


def auth():
    # flags: user (bits 0-2: native sha2 cached empty locked nobody anon), TLS 8, RSA 16, refuse 32
    # plugin byte % 4: none native sha2 other. 0xA1/0xA2/0xA3: right scramble / sha2 scramble / cleartext.
    put("auth", bytes([0, 1, 1, 0xA1]))                      # native, right scramble
    put("auth", bytes([0, 2, 32]) + b"\x07" * 32 + bytes([1, 0xA1]))  # native after switch
    put("auth", bytes([2, 2, 1, 0xA2]))                      # cached: fast path
    put("auth", bytes([1, 2, 1, 0xA2, 1, 0xA3]))             # sha2: full auth, plain (denied)
    put("auth", bytes([9, 2, 1, 0xA2, 1, 0xA3]))             # sha2 over TLS: full auth succeeds
    put("auth", bytes([17, 2, 1, 0xA2, 1, 2, 3, 0, 1, 2]))   # sha2 with RSA: key request, ciphertext
    put("auth", bytes([5, 2, 1, 0xA2, 1, 0xA3]))             # decoy
    put("auth", bytes([4, 2, 2, 1, 2, 2, 3, 4, 9, 2, 5, 5]))  # locked: wrong passwords
    put("auth", bytes([3, 1, 0]))                           # empty password
    put("auth", bytes([1, 2, 1, 0xA2, 1, 0xA3, 1, 0xA3]))    # a packet after the end


def certs():
    for name in ["ca.pem", "server-cert.pem", "server-key.pem", "client-cert.pem", "client-key.pem"]:
        p = ROOT / "certs" / name
        if p.exists():
            put("certs", p.read_bytes())
    put("certs", b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n\0-----BEGIN PRIVATE KEY-----\nMC4CAQA=\n-----END PRIVATE KEY-----\n")


def config():
    put("config", (ROOT / "config" / "myseal.toml").read_bytes())
    put("config", b"[mysqld]\nport = 0\nroot_password = \"x\"\nmax_allowed_packet = 1024\nconnect_timeout = 99999999999\napp_user = \"a\"\napp_password = \"b\"\n")


sql()
wire()
auth()
certs()
config()
