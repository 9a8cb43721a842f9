"""Server-side cursors with MariaDB Connector/C (libmariadb.so.3, Debian's libmariadb3), driven
through ctypes: mysql_stmt_attr_set(STMT_ATTR_CURSOR_TYPE, CURSOR_TYPE_READ_ONLY) and
STMT_ATTR_PREFETCH_ROWS make mysql_stmt_fetch read the rows with COM_STMT_FETCH, a batch at a
time. Exit 0 = ok, 77 = libmariadb not installed, anything else = a check failed.

usage: python_libmariadb_cursor.py PORT CA_PEM ROOT_PASSWORD OTHER_CA_PEM

What it checks: every row of a 2,500-row cursor read back exactly through bound INT and
VARCHAR buffers, 100 rows per COM_STMT_FETCH; another query on the connection while the
cursor is open (which only works when the rows really wait on the server: a result sent at
once would leave the connection out of sync, error 2014); two cursors read in turns;
mysql_stmt_reset of an open cursor; and an execute again reading from the first row.
"""
import ctypes
import ctypes.util
import sys

port, ca, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
try:
    lib = ctypes.CDLL("libmariadb.so.3")
except OSError:
    print("no libmariadb.so.3 (apt-get install libmariadb3)")
    sys.exit(77)

P = ctypes.c_void_p
lib.mysql_init.restype = P
lib.mysql_init.argtypes = [P]
lib.mysql_ssl_set.argtypes = [P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                              ctypes.c_char_p, ctypes.c_char_p]
lib.mysql_real_connect.restype = P
lib.mysql_real_connect.argtypes = [P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                   ctypes.c_char_p, ctypes.c_uint, ctypes.c_char_p,
                                   ctypes.c_ulong]
lib.mysql_error.restype = ctypes.c_char_p
lib.mysql_error.argtypes = [P]
lib.mysql_errno.restype = ctypes.c_uint
lib.mysql_errno.argtypes = [P]
lib.mysql_query.argtypes = [P, ctypes.c_char_p]
lib.mysql_store_result.restype = P
lib.mysql_store_result.argtypes = [P]
lib.mysql_num_rows.restype = ctypes.c_ulonglong
lib.mysql_num_rows.argtypes = [P]
lib.mysql_free_result.argtypes = [P]
lib.mysql_get_ssl_cipher.restype = ctypes.c_char_p
lib.mysql_get_ssl_cipher.argtypes = [P]
lib.mysql_close.argtypes = [P]
lib.mysql_stmt_init.restype = P
lib.mysql_stmt_init.argtypes = [P]
lib.mysql_stmt_attr_set.restype = ctypes.c_char
lib.mysql_stmt_attr_set.argtypes = [P, ctypes.c_int, P]
lib.mysql_stmt_prepare.argtypes = [P, ctypes.c_char_p, ctypes.c_ulong]
lib.mysql_stmt_execute.argtypes = [P]
lib.mysql_stmt_bind_result.restype = ctypes.c_char
lib.mysql_stmt_bind_result.argtypes = [P, P]
lib.mysql_stmt_fetch.argtypes = [P]
lib.mysql_stmt_reset.restype = ctypes.c_char
lib.mysql_stmt_reset.argtypes = [P]
lib.mysql_stmt_close.restype = ctypes.c_char
lib.mysql_stmt_close.argtypes = [P]
lib.mysql_stmt_error.restype = ctypes.c_char_p
lib.mysql_stmt_error.argtypes = [P]

STMT_ATTR_CURSOR_TYPE, STMT_ATTR_PREFETCH_ROWS = 1, 2
CURSOR_TYPE_READ_ONLY = 1
MYSQL_TYPE_LONG, MYSQL_TYPE_STRING = 3, 254
MYSQL_NO_DATA = 100
ROWS = 2500


class MYSQL_BIND(ctypes.Structure):
    """MYSQL_BIND as Connector/C 3.x (mariadb_stmt.h) lays it out."""
    _fields_ = [
        ("length", ctypes.POINTER(ctypes.c_ulong)),
        ("is_null", ctypes.POINTER(ctypes.c_char)),
        ("buffer", P),
        ("error", ctypes.POINTER(ctypes.c_char)),
        ("u", P),
        ("store_param_func", P),
        ("fetch_result", P),
        ("skip_result", P),
        ("buffer_length", ctypes.c_ulong),
        ("offset", ctypes.c_ulong),
        ("length_value", ctypes.c_ulong),
        ("flags", ctypes.c_uint),
        ("pack_length", ctypes.c_uint),
        ("buffer_type", ctypes.c_int),
        ("error_value", ctypes.c_char),
        ("is_unsigned", ctypes.c_char),
        ("long_data_used", ctypes.c_char),
        ("is_null_value", ctypes.c_char),
        ("extension", P),
    ]


def fail(what):
    print("FAILED: " + what)
    sys.exit(1)


conn = lib.mysql_init(None)
lib.mysql_ssl_set(conn, None, None, ca.encode(), None, None)
if not lib.mysql_real_connect(conn, b"127.0.0.1", b"root", password.encode(), None, port,
                              None, 0):
    fail("connect: %s" % lib.mysql_error(conn))
if not lib.mysql_get_ssl_cipher(conn):
    fail("the connection is not TLS")


def query(sql):
    if lib.mysql_query(conn, sql.encode()) != 0:
        fail("%s: %s" % (sql, lib.mysql_error(conn)))
    res = lib.mysql_store_result(conn)
    n = None
    if res:
        n = lib.mysql_num_rows(res)
        lib.mysql_free_result(res)
    return n


query("DROP DATABASE IF EXISTS cursor_check")
query("CREATE DATABASE cursor_check")
query("CREATE TABLE cursor_check.t (id INT PRIMARY KEY, name VARCHAR(20))")
query("INSERT INTO cursor_check.t VALUES " +
      ",".join("(%d, 'name %d')" % (i, i) for i in range(1, ROWS + 1)))


class Cursor:
    def __init__(self, sql, prefetch):
        self.stmt = lib.mysql_stmt_init(conn)
        kind = ctypes.c_ulong(CURSOR_TYPE_READ_ONLY)
        rows = ctypes.c_ulong(prefetch)
        if lib.mysql_stmt_attr_set(self.stmt, STMT_ATTR_CURSOR_TYPE, ctypes.byref(kind)) != b"\0":
            fail("STMT_ATTR_CURSOR_TYPE")
        if lib.mysql_stmt_attr_set(self.stmt, STMT_ATTR_PREFETCH_ROWS, ctypes.byref(rows)) != b"\0":
            fail("STMT_ATTR_PREFETCH_ROWS")
        if lib.mysql_stmt_prepare(self.stmt, sql.encode(), len(sql)) != 0:
            fail("prepare: %s" % lib.mysql_stmt_error(self.stmt))
        self.id = ctypes.c_int(0)
        self.name = ctypes.create_string_buffer(64)
        self.name_len = ctypes.c_ulong(0)
        self.nulls = (ctypes.c_char * 2)()
        self.binds = (MYSQL_BIND * 2)()
        self.binds[0].buffer_type = MYSQL_TYPE_LONG
        self.binds[0].buffer = ctypes.cast(ctypes.byref(self.id), P)
        self.binds[0].is_null = ctypes.cast(ctypes.byref(self.nulls, 0), ctypes.POINTER(ctypes.c_char))
        self.binds[1].buffer_type = MYSQL_TYPE_STRING
        self.binds[1].buffer = ctypes.cast(self.name, P)
        self.binds[1].buffer_length = 64
        self.binds[1].length = ctypes.pointer(self.name_len)
        self.binds[1].is_null = ctypes.cast(ctypes.byref(self.nulls, 1), ctypes.POINTER(ctypes.c_char))

    def execute(self):
        if lib.mysql_stmt_execute(self.stmt) != 0:
            fail("execute: %s" % lib.mysql_stmt_error(self.stmt))
        if lib.mysql_stmt_bind_result(self.stmt, ctypes.cast(self.binds, P)) != b"\0":
            fail("bind_result: %s" % lib.mysql_stmt_error(self.stmt))

    def next(self):
        """(id, name), or None at the end."""
        rc = lib.mysql_stmt_fetch(self.stmt)
        if rc == MYSQL_NO_DATA:
            return None
        if rc != 0:
            fail("fetch returned %d: %s" % (rc, lib.mysql_stmt_error(self.stmt)))
        return self.id.value, self.name.raw[: self.name_len.value].decode()


up = Cursor("SELECT id, name FROM cursor_check.t ORDER BY id", 100)
up.execute()
for i in range(1, 501):
    row = up.next()
    if row != (i, "name %d" % i):
        fail("row %d of the cursor: %r" % (i, row))
# The rows not fetched yet wait on the server: the connection takes other commands.
if query("SELECT id FROM cursor_check.t WHERE id <= 3") != 3:
    fail("a query while a cursor is open")
down = Cursor("SELECT id, name FROM cursor_check.t ORDER BY id DESC", 7)
down.execute()
for i in range(501, ROWS + 1):
    row = up.next()
    if row != (i, "name %d" % i):
        fail("row %d of the cursor: %r" % (i, row))
    j = ROWS + 501 - i
    row = down.next()
    if row != (j, "name %d" % j):
        fail("row %d of the second cursor: %r" % (j, row))
if up.next() is not None:
    fail("a row after the last one")
# mysql_stmt_reset closes the cursor: no more rows.
if lib.mysql_stmt_reset(down.stmt) != b"\0":
    fail("reset: %s" % lib.mysql_stmt_error(down.stmt))
# Executing again reads from the first row.
up.execute()
if up.next() != (1, "name 1"):
    fail("the first row after executing again")
lib.mysql_stmt_close(up.stmt)
lib.mysql_stmt_close(down.stmt)
query("DROP DATABASE cursor_check")
lib.mysql_close(conn)
print("ok")
