"""mysqlclient (MySQLdb, Debian's python3-mysqldb on libmariadb) against myseal over verified TLS.
Exit 0 = ok, 77 = MySQLdb not installed, anything else = a check failed.

usage: python_mysqlclient.py PORT CA_PEM ROOT_PASSWORD OTHER_CA_PEM

Run it with the Python that python3-mysqldb is built for (/usr/bin/python3 on Debian).

How the certificate is verified with this client: mysqlclient 1.4 (Debian bookworm) has no
`ssl_mode` argument (it came in 2.0) and its `ssl` dict knows only ca/capath/cert/key/cipher
(`check_hostname` is silently ignored). libmariadb verifies the certificate chain against
`ssl={"ca": ...}` by itself (a server signed by another CA gets error 2026), but it checks the
host name only with MYSQL_OPT_SSL_VERIFY_SERVER_CERT, which mysqlclient cannot set directly.
It can be set through an option file passed as `read_default_file`, with
`ssl-verify-server-cert=1` in [client] (the bare `ssl-verify-server-cert` line is read as
false by this libmariadb, and the host name is then not checked). Both refusals are checked
below: another CA, and a certificate that does not name the host (through a local TCP
forwarder listening on 127.0.0.2, which is not in the certificate's subjectAltName).
"""
import datetime
import decimal
import os
import socket
import sys
import tempfile
import threading

port, ca, password, other_ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
try:
    import MySQLdb
except ImportError as e:
    print(f"MySQLdb not installed for {sys.executable} ({e}); apt-get install python3-mysqldb")
    sys.exit(77)

cnf_dir = tempfile.mkdtemp(prefix="myseal-mysqlclient-")
cnf = os.path.join(cnf_dir, "verify.cnf")
with open(cnf, "w") as f:
    f.write("[client]\nssl-verify-server-cert=1\n")


def connect(pw=password, host="127.0.0.1", p=port, cafile=ca):
    return MySQLdb.connect(host=host, port=p, user="root", passwd=pw, ssl={"ca": cafile},
                           read_default_file=cnf, charset="utf8mb4", use_unicode=True)


def error_code(fn):
    try:
        fn()
    except MySQLdb.Error as e:
        return e.args[0] if e.args else None, str(e)
    return None, "no error"


def check(ok, what):
    if not ok:
        print(f"FAILED: {what}")
        sys.exit(1)


# Refused: a server certificate from another CA.
code, msg = error_code(lambda: connect(cafile=other_ca).close())
check(code == 2026, f"another CA: want 2026, got {code} {msg}")


# Refused: the right CA, but a host name the certificate does not carry.
def forward(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


listener = socket.socket()
listener.bind(("127.0.0.2", 0))
listener.listen()


def accept():
    while True:
        c, _ = listener.accept()
        u = socket.create_connection(("127.0.0.1", port))
        threading.Thread(target=forward, args=(c, u), daemon=True).start()
        threading.Thread(target=forward, args=(u, c), daemon=True).start()


threading.Thread(target=accept, daemon=True).start()
code, msg = error_code(lambda: connect(host="127.0.0.2", p=listener.getsockname()[1]).close())
check(code == 2026 and "Validation of SSL server certificate failed" in msg,
      f"certificate not naming 127.0.0.2: want 2026, got {code} {msg}")

conn = connect()
cur = conn.cursor()
cur.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
_, version = cur.fetchone()
check(version.startswith("TLSv1."), f"Ssl_version {version}")

cur.execute("DROP DATABASE IF EXISTS mysqlclient_check")
cur.execute("CREATE DATABASE mysqlclient_check")
cur.execute("CREATE TABLE mysqlclient_check.t (id INT PRIMARY KEY, d DECIMAL(10,2), "
            "u BIGINT UNSIGNED, ts DATETIME(6), tm TIME, s VARCHAR(40), b BLOB)")
want = (
    decimal.Decimal("12345678.91"),
    18446744073709551615,
    datetime.datetime(2026, 12, 1, 10, 11, 12, 123456),
    datetime.timedelta(hours=-123, minutes=-45, seconds=-6),
    "emoji \U0001F600 ünïcödé",
    b"\x00\x01\x02\xff'\\",
)
# mysqlclient has no server-side prepared statements: it quotes the parameters into the text
# itself. Its timedelta quoting writes days and a clock time ('-6 4:14:54' for -123:45:06),
# which MySQL reads as -148:14:54, so the TIME goes in as the literal string instead.
cur.execute("INSERT INTO mysqlclient_check.t VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (1, want[0], want[1], want[2], "-123:45:06", want[4], want[5]))
check(cur.rowcount == 1, f"INSERT rowcount {cur.rowcount}")
conn.commit()
cur.execute("SELECT d, u, ts, tm, s, b FROM mysqlclient_check.t WHERE id = %s", (1,))
row = cur.fetchone()
for got, exp, name in zip(row, want, ["DECIMAL(10,2)", "BIGINT UNSIGNED", "DATETIME(6)",
                                      "TIME", "VARCHAR utf8mb4", "BLOB"]):
    check(type(got) is type(exp) and got == exp, f"{name}: got {got!r}, want {exp!r}")

# mysqlclient turns autocommit off: the INSERT opens a transaction that ROLLBACK undoes.
cur.execute("INSERT INTO mysqlclient_check.t (id, s) VALUES (%s, %s)", (2, "rolled back"))
cur.execute("SELECT COUNT(*) FROM mysqlclient_check.t")
check(cur.fetchone()[0] == 2, "row visible inside the transaction")
conn.rollback()
cur.execute("SELECT COUNT(*) FROM mysqlclient_check.t")
check(cur.fetchone()[0] == 1, "ROLLBACK left the row")

code, msg = error_code(lambda: cur.execute(
    "INSERT INTO mysqlclient_check.t (id) VALUES (%s)", (1,)))
check(code == 1062, f"duplicate key: want 1062, got {code} {msg}")
conn.rollback()
code, msg = error_code(lambda: cur.execute("SELECT * FROM mysqlclient_check.nope"))
check(code == 1146, f"unknown table: want 1146, got {code} {msg}")
cur.execute("DROP DATABASE mysqlclient_check")
conn.close()

code, msg = error_code(lambda: connect(pw="wrong-password").close())
check(code == 1045, f"wrong password: want 1045, got {code} {msg}")
print(f"mysqlclient {MySQLdb.__version__}: ok ({version})")
