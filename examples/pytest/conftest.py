"""pytest fixtures that run myseal, the MySQL 8.4-protocol server, for the tests of this directory.

The server is the release binary (`cargo build --release -p myseal`; another one with
MYSEAL_BIN=/path/to/myseal). It starts once per test session on a free port (`--port 0`) with a
fresh certificate directory; the fixture reads the port and the CA path from its ready line,

    ready for connections: port=40123 tls=on require_secure_transport=ON ca=/tmp/.../ca.pem

and every connection verifies the server's certificate against that CA and its name (127.0.0.1
is in the certificate). The `seed` database is created once; each test gets a clone of it
(`CREATE DATABASE t_x CLONE seed`), so tests never see each other's rows.
"""

import os
import pathlib
import queue
import re
import secrets
import signal
import subprocess
import threading

import pymysql
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
READY = re.compile(r"ready for connections: port=(\d+) .* ca=(\S+)$")
START_TIMEOUT_S = 30


class MysealServer:
    """A running myseal: where it is and how to reach it over verified TLS."""

    def __init__(self, host, port, ca, root_password, log):
        self.host = host
        self.port = port
        self.ca = ca
        self.root_password = root_password
        self.log = log  # the server's log lines so far, for failure messages

    def connect(self, user="root", password=None, database=None, **kwargs):
        """A PyMySQL connection that verifies the certificate and the host name."""
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=user,
            password=self.root_password if password is None else password,
            database=database,
            ssl_ca=self.ca,
            ssl_verify_cert=True,
            ssl_verify_identity=True,
            autocommit=True,
            **kwargs,
        )


def _drain(stream, lines, ready):
    """Reads the server's log until it ends, so the pipe never fills and blocks the server."""
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        lines.append(line)
        match = READY.search(line)
        if match:
            ready.put(match)
    ready.put(None)


@pytest.fixture(scope="session")
def myseal(tmp_path_factory):
    binary = os.environ.get("MYSEAL_BIN", str(REPO / "target" / "release" / "myseal"))
    if not os.path.exists(binary):
        pytest.fail(f"{binary} not found: run `cargo build --release -p myseal` first")
    root_password = secrets.token_urlsafe(16)
    certs = tmp_path_factory.mktemp("myseal-certs")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYSQL_")}
    process = subprocess.Popen(
        [binary, "--port", "0", "--certs-dir", str(certs), "--root-password", root_password],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    lines, ready = [], queue.Queue()
    reader = threading.Thread(target=_drain, args=(process.stderr, lines, ready), daemon=True)
    reader.start()
    try:
        match = ready.get(timeout=START_TIMEOUT_S)
    except queue.Empty:
        match = None
    if match is None:
        process.kill()
        process.wait()
        pytest.fail("myseal did not become ready:\n" + "\n".join(lines))
    server = MysealServer("127.0.0.1", int(match.group(1)), match.group(2), root_password, lines)
    yield server
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail("myseal did not stop on SIGTERM:\n" + "\n".join(lines))
    reader.join(timeout=5)
    assert code == 0, "myseal exited with %s:\n%s" % (code, "\n".join(lines))


@pytest.fixture(scope="session")
def seeded(myseal):
    """The schema and rows every test starts from, created once per session: the template that
    `database` clones for each test."""
    with myseal.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE seed")
        cur.execute(
            "CREATE TABLE seed.users (id INT AUTO_INCREMENT PRIMARY KEY, "
            "email VARCHAR(80) NOT NULL UNIQUE)"
        )
        cur.executemany(
            "INSERT INTO seed.users (email) VALUES (%s)", [("ada@example.com",), ("bob@example.com",)]
        )
    return "seed"


@pytest.fixture
def database(myseal, seeded, request):
    """A database of one test's own: `CREATE DATABASE ... CLONE seed` copies the seeded tables
    and rows in O(tables), whatever the number of rows; dropped afterwards."""
    name = "t_" + re.sub(r"\W", "_", request.node.name)[:48]
    with myseal.connect() as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cur.execute(f"CREATE DATABASE `{name}` CLONE `{seeded}`")
    yield name
    with myseal.connect() as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
