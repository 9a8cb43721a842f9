"""Accounts and privileges with a Python driver over verified TLS. Exit 0 = ok, 77 = driver not installed.

usage: python_privileges.py <pymysql|mysql.connector> PORT CA_PEM ROOT_PASSWORD CERTS_DIR

As root it creates a database and accounts with a global, a database, a table and a column grant,
a role (default and SET ROLE), REQUIRE X509, PASSWORD EXPIRE and FAILED_LOGIN_ATTEMPTS; each
account must do what it may and be refused what it may not with MySQL 8.4's exact code and text.
Names end in the driver's name, so both drivers can run against one server.
"""
import importlib
import os
import re
import ssl
import sys

driver, port, ca, root_pw, certs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
try:
    mod = importlib.import_module(driver)
except ImportError as e:
    print(f"{driver} not installed ({e}); pip install PyMySQL mysql-connector-python")
    sys.exit(77)

S = re.sub(r"[^a-z0-9]", "_", driver.lower())  # pymysql, mysql_connector
DB, OTHER = f"pv_{S}", f"pv_{S}_other"
G, D, T, C, RO, RO2, X, E, E2, F = (f"{p}_{S}" for p in
                                     ("g", "d", "t", "c", "ro", "ro2", "x", "e", "e2", "f"))
ROLE = f"r_{S}"
PW = "pv-pw"
CLIENT_CERT = (os.path.join(certs, "client-cert.pem"), os.path.join(certs, "client-key.pem"))

failures = []


def connect(user, pw=PW, db=None, cert=False, expired_ok=False):
    """A verified-TLS connection (CA and host name checked), optionally with the client certificate."""
    if driver == "pymysql":
        ctx = ssl.create_default_context(cafile=ca)
        if cert:
            ctx.load_cert_chain(*CLIENT_CERT)
        kw = {"ssl": ctx}
        if expired_ok:
            kw["client_flag"] = importlib.import_module("pymysql.constants.CLIENT").HANDLE_EXPIRED_PASSWORDS
    else:
        kw = {"ssl_ca": ca, "ssl_verify_cert": True, "ssl_verify_identity": True}
        if cert:
            kw["ssl_cert"], kw["ssl_key"] = CLIENT_CERT
        if expired_ok:
            from mysql.connector.constants import ClientFlag
            kw["client_flags"] = [ClientFlag.CAN_HANDLE_EXPIRED_PASSWORDS]
    if db is not None:
        kw["database"] = db
    if not expired_ok:
        kw["autocommit"] = True  # both drivers turn it off by default (and would send a statement)
    return mod.connect(host="localhost", port=port, user=user, password=pw, **kw)


def server_error(e):
    """(code, message) of a driver error: PyMySQL keeps them in args, Connector/Python in errno/msg."""
    code = getattr(e, "errno", None)
    if code is None and e.args:
        code = e.args[0]
    msg = getattr(e, "msg", None)
    if msg is None and len(e.args) > 1:
        msg = e.args[1]
    return code, msg


def run(conn, sql, params=None, prepared=False):
    cur = conn.cursor(prepared=True) if prepared else conn.cursor()
    try:
        cur.execute(sql, params) if params is not None else cur.execute(sql)
        return cur.fetchall() if cur.description else []
    finally:
        cur.close()


def ok(label, conn, sql, want=None, **kw):
    """`sql` must succeed (and return `want` rows, if given)."""
    try:
        rows = [tuple(r) for r in run(conn, sql, **kw)]
    except Exception as e:
        failures.append(f"{label}: {sql!r} failed: {server_error(e)}")
        return
    if want is not None and rows != want:
        failures.append(f"{label}: {sql!r} returned {rows}, expected {want}")


def refused(label, conn, sql, code, msg, **kw):
    """`sql` must fail with exactly (code, msg)."""
    try:
        rows = run(conn, sql, **kw)
    except Exception as e:
        got = server_error(e)
        if got != (code, msg):
            failures.append(f"{label}: {sql!r} gave {got}, expected {(code, msg)}")
        return
    failures.append(f"{label}: {sql!r} succeeded ({rows}), expected {code} {msg!r}")


def login_refused(label, code, msg, user, pw=PW, **kw):
    """Connecting must fail with exactly (code, msg)."""
    try:
        c = connect(user, pw, **kw)
    except Exception as e:
        got = server_error(e)
        if got != (code, msg):
            failures.append(f"{label}: login gave {got}, expected {(code, msg)}")
        return
    c.close()
    failures.append(f"{label}: login succeeded, expected {code} {msg!r}")


def login(label, user, pw=PW, **kw):
    try:
        return connect(user, pw, **kw)
    except Exception as e:
        failures.append(f"{label}: login failed: {server_error(e)} {e!r}")
        return None


def table_denied(cmd, user, table):
    return 1142, f"{cmd} command denied to user '{user}'@'{HOST}' for table '{table}'"


def column_denied(cmd, user, column, table):
    return 1143, f"{cmd} command denied to user '{user}'@'{HOST}' for column '{column}' in table '{table}'"


def db_denied(user, db):
    return 1044, f"Access denied for user '{user}'@'%' to database '{db}'"


def specific_denied(needed):
    return 1227, f"Access denied; you need (at least one of) the {needed} privilege(s) for this operation"


def login_denied(user):
    return 1045, f"Access denied for user '{user}'@'{HOST}' (using password: YES)"


# --- set-up as root ---------------------------------------------------------------------------
root = connect("root", root_pw)
# The client's host as the server sees it (USER()); refusals name it, and 1044 names the account's '%'.
HOST = run(root, "SELECT USER()")[0][0].split("@", 1)[1]
for sql in [
    f"DROP DATABASE IF EXISTS {DB}",
    f"DROP DATABASE IF EXISTS {OTHER}",
    f"DROP USER IF EXISTS {G}, {D}, {T}, {C}, {RO}, {RO2}, {X}, {E}, {E2}, {F}",
    f"DROP ROLE IF EXISTS {ROLE}",
    f"CREATE DATABASE {DB}",
    f"CREATE DATABASE {OTHER}",
    f"CREATE TABLE {DB}.t (a INT PRIMARY KEY, b VARCHAR(10))",
    f"INSERT INTO {DB}.t VALUES (1, 'x'), (2, 'y')",
    f"CREATE TABLE {DB}.u (c INT)",
    f"CREATE TABLE {OTHER}.o (id INT)",
    f"INSERT INTO {OTHER}.o VALUES (7)",
    f"CREATE USER {G} IDENTIFIED BY '{PW}'",
    f"GRANT SELECT ON *.* TO {G}",
    f"CREATE USER {D} IDENTIFIED BY '{PW}'",
    f"GRANT SELECT, INSERT ON {DB}.* TO {D}",
    f"CREATE USER {T} IDENTIFIED BY '{PW}'",
    f"GRANT SELECT ON {DB}.t TO {T}",
    f"CREATE USER {C} IDENTIFIED BY '{PW}'",
    f"GRANT SELECT (a) ON {DB}.t TO {C}",
    f"CREATE ROLE {ROLE}",
    f"GRANT SELECT ON {DB}.t TO {ROLE}",
    f"CREATE USER {RO} IDENTIFIED BY '{PW}'",
    f"GRANT {ROLE} TO {RO}",
    f"SET DEFAULT ROLE {ROLE} TO {RO}",
    f"CREATE USER {RO2} IDENTIFIED BY '{PW}'",
    f"GRANT {ROLE} TO {RO2}",
    f"CREATE USER {X} IDENTIFIED BY '{PW}' REQUIRE X509",
    f"CREATE USER {E} IDENTIFIED BY '{PW}' PASSWORD EXPIRE",
    f"CREATE USER {E2} IDENTIFIED BY '{PW}' PASSWORD EXPIRE",
    f"CREATE USER {F} IDENTIFIED BY '{PW}' FAILED_LOGIN_ATTEMPTS 2 PASSWORD_LOCK_TIME 1",
]:
    run(root, sql)
ROWS = [(1, "x"), (2, "y")]

# --- (a) global grant: SELECT ON *.* ------------------------------------------------------------
if (g := login("global SELECT", G)) is not None:
    ok("global SELECT", g, f"SELECT a, b FROM {DB}.t ORDER BY a", ROWS)
    ok("global SELECT", g, f"SELECT id FROM {OTHER}.o", [(7,)])
    refused("global SELECT", g, f"INSERT INTO {DB}.t VALUES (3, 'z')", *table_denied("INSERT", G, "t"))
    refused("global SELECT", g, f"DROP TABLE {DB}.t", *table_denied("DROP", G, "t"))
    refused("global SELECT", g, "SET GLOBAL max_connections = 10",
            *specific_denied("SUPER or SYSTEM_VARIABLES_ADMIN"))
    refused("global SELECT", g, "CREATE USER nobody_pv", *specific_denied("CREATE USER"))
    refused("global SELECT", g, "ALTER INSTANCE RELOAD TLS", *specific_denied("CONNECTION_ADMIN"))
    g.close()

# --- (b) database grant: SELECT, INSERT ON db.* --------------------------------------------------
if (d := login("db SELECT, INSERT", D, db=DB)) is not None:
    ok("db SELECT, INSERT", d, "SELECT a, b FROM t ORDER BY a", ROWS)
    ok("db SELECT, INSERT", d, "INSERT INTO t VALUES (3, 'z')")
    ok("db SELECT, INSERT", d, "SELECT COUNT(*) FROM t", [(3,)])
    refused("db SELECT, INSERT", d, "DELETE FROM t WHERE a = 3", *table_denied("DELETE", D, "t"))
    refused("db SELECT, INSERT", d, "CREATE TABLE n (a INT)", *table_denied("CREATE", D, "n"))
    refused("db SELECT, INSERT", d, f"SELECT id FROM {OTHER}.o", *table_denied("SELECT", D, "o"))
    refused("db SELECT, INSERT", d, f"USE {OTHER}", *db_denied(D, OTHER))
    refused("db SELECT, INSERT", d, f"GRANT SELECT ON {DB}.* TO {C}", *db_denied(D, DB))
    d.close()
login_refused("db SELECT, INSERT: database named at connect", *db_denied(D, OTHER), D, db=OTHER)
run(root, f"DELETE FROM {DB}.t WHERE a = 3")

# --- (c) table grant: SELECT ON db.t -------------------------------------------------------------
if (t := login("table SELECT", T)) is not None:
    ok("table SELECT", t, f"SELECT a, b FROM {DB}.t ORDER BY a", ROWS)
    refused("table SELECT", t, f"SELECT * FROM {DB}.u", *table_denied("SELECT", T, "u"))
    refused("table SELECT", t, f"UPDATE {DB}.t SET b = 'q'", *table_denied("UPDATE", T, "t"))
    refused("table SELECT", t, f"GRANT SELECT ON {DB}.t TO {C}", *table_denied("GRANT", T, "t"))
    refused("table SELECT", t, f"USE {OTHER}", *db_denied(T, OTHER))
    t.close()

# --- (d) column grant: SELECT (a) ON db.t --------------------------------------------------------
if (c := login("column SELECT (a)", C)) is not None:
    ok("column SELECT (a)", c, f"SELECT a FROM {DB}.t ORDER BY a", [(1,), (2,)])
    no_b = column_denied("SELECT", C, "b", "t")
    refused("column SELECT (a)", c, f"SELECT b FROM {DB}.t", *no_b)
    # MySQL names no column unless the account may see them all: `*` is refused for the table.
    refused("column SELECT (a)", c, f"SELECT * FROM {DB}.t", *table_denied("SELECT", C, "t"))
    refused("column SELECT (a)", c, f"SELECT a FROM {DB}.t WHERE b = 'x'", *no_b)
    refused("column SELECT (a)", c, f"UPDATE {DB}.t SET a = 5 WHERE a = 9", *table_denied("UPDATE", C, "t"))
    if driver == "mysql.connector":  # the same checks through COM_STMT_PREPARE
        ok("column SELECT (a) prepared", c, f"SELECT a FROM {DB}.t WHERE a = ?", [(2,)],
           params=(2,), prepared=True)
        refused("column SELECT (a) prepared", c, f"SELECT b FROM {DB}.t WHERE a = ?", *no_b,
                params=(2,), prepared=True)
    c.close()

# --- (e) roles -----------------------------------------------------------------------------------
if (ro := login("default role", RO)) is not None:
    ok("default role", ro, "SELECT CURRENT_ROLE()", [(f"`{ROLE}`@`%`",)])
    ok("default role", ro, f"SELECT a, b FROM {DB}.t ORDER BY a", ROWS)
    refused("default role", ro, f"DELETE FROM {DB}.t", *table_denied("DELETE", RO, "t"))
    refused("default role", ro, f"GRANT {ROLE} TO {C}", *specific_denied("WITH ADMIN, ROLE_ADMIN, SUPER"))
    ok("default role", ro, "SET ROLE NONE")
    refused("default role: after SET ROLE NONE", ro, f"SELECT a FROM {DB}.t", *table_denied("SELECT", RO, "t"))
    ro.close()
if (ro2 := login("SET ROLE", RO2)) is not None:
    ok("SET ROLE", ro2, "SELECT CURRENT_ROLE()", [("NONE",)])
    refused("SET ROLE: before", ro2, f"SELECT a FROM {DB}.t", *table_denied("SELECT", RO2, "t"))
    ok("SET ROLE", ro2, f"SET ROLE {ROLE}")
    ok("SET ROLE: after", ro2, f"SELECT a, b FROM {DB}.t ORDER BY a", ROWS)
    refused("SET ROLE", ro2, f"SET ROLE {G}", 3530, f"`{G}`@`%` is not granted to `{RO2}`@`%`")
    ro2.close()

# --- (f) REQUIRE X509 ----------------------------------------------------------------------------
if (x := login("REQUIRE X509 with a client certificate", X, cert=True)) is not None:
    ok("REQUIRE X509", x, "SELECT CURRENT_USER()", [(f"{X}@%",)])
    x.close()
login_refused("REQUIRE X509 without a client certificate", *login_denied(X), X)

# --- (g) PASSWORD EXPIRE -------------------------------------------------------------------------
login_refused("PASSWORD EXPIRE", 1862,
              "Your password has expired. To log in you must change it using a client that "
              "supports expired passwords.", E)
# With CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS (opt-in in both drivers): in, but only ALTER USER works.
if (e2 := login("PASSWORD EXPIRE, client handles it", E2, expired_ok=True)) is not None:
    refused("PASSWORD EXPIRE, client handles it", e2, "SELECT 1", 1820,
            "You must reset your password using ALTER USER statement before executing this statement.")
    ok("PASSWORD EXPIRE, client handles it", e2, "ALTER USER USER() IDENTIFIED BY 'pv-new-pw'")
    ok("PASSWORD EXPIRE, after ALTER USER", e2, "SELECT 1", [(1,)])
    e2.close()
    if (e3 := login("PASSWORD EXPIRE, new password", E2, "pv-new-pw")) is not None:
        ok("PASSWORD EXPIRE, new password", e3, "SELECT CURRENT_USER()", [(f"{E2}@%",)])
        e3.close()

# --- (h) FAILED_LOGIN_ATTEMPTS 2 PASSWORD_LOCK_TIME 1 --------------------------------------------
blocked = (3955, f"Access denied for user '{F}'@'{HOST}'. Account is blocked for 1 day(s) "
                 "(1 day(s) remaining) due to 2 consecutive failed logins.")
login_refused("FAILED_LOGIN_ATTEMPTS: 1st wrong password", *login_denied(F), F, "wrong")
login_refused("FAILED_LOGIN_ATTEMPTS: 2nd wrong password", *blocked, F, "wrong")
login_refused("FAILED_LOGIN_ATTEMPTS: right password while blocked", *blocked, F)
run(root, f"ALTER USER {F} ACCOUNT UNLOCK")
if (f := login("FAILED_LOGIN_ATTEMPTS: after ACCOUNT UNLOCK", F)) is not None:
    f.close()

# --- certificate reload --------------------------------------------------------------------------
ok("ALTER INSTANCE RELOAD TLS", root, "ALTER INSTANCE RELOAD TLS")
if (t2 := login("verified TLS after RELOAD TLS", T)) is not None:
    ok("verified TLS after RELOAD TLS", t2, f"SELECT a FROM {DB}.t ORDER BY a", [(1,), (2,)])
    t2.close()
if (x2 := login("client certificate after RELOAD TLS", X, cert=True)) is not None:
    x2.close()
root.close()

if failures:
    print(f"{driver}: {len(failures)} privilege check(s) failed:")
    for failure in failures:
        print("  " + failure)
    sys.exit(1)
print(f"{driver}: privileges ok (client host {HOST})")
