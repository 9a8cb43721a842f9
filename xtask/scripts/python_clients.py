"""Connects to myseal with a Python driver over verified TLS. Exit 0 = ok, 77 = driver not installed.

usage: python_clients.py <pymysql|mysql.connector> PORT CA_PEM ROOT_PASSWORD
"""
import importlib
import ssl
import sys

driver, port, ca, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    mod = importlib.import_module(driver)
except ImportError as e:
    print(f"{driver} not installed ({e}); pip install PyMySQL mysql-connector-python")
    sys.exit(77)


def connect(pw):
    if driver == "pymysql":
        ctx = ssl.create_default_context(cafile=ca)  # verifies chain and host name
        return mod.connect(host="localhost", port=port, user="root", password=pw, ssl=ctx)
    return mod.connect(host="localhost", port=port, user="root", password=pw,
                       ssl_ca=ca, ssl_verify_cert=True, ssl_verify_identity=True)


conn = connect(password)
cur = conn.cursor()
cur.execute("SELECT 1")
assert cur.fetchone()[0] == 1, "SELECT 1"
cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
name, cipher = cur.fetchone()
assert name == "Ssl_cipher" and cipher.startswith("TLS_"), (name, cipher)
cur.execute("SELECT CONCAT('my', 'seal'), NULL, 2.5 * 2")
row = cur.fetchone()
assert row[0] == "myseal" and row[1] is None, row
if driver == "mysql.connector":
    # Server-side prepared statement (COM_STMT_PREPARE / COM_STMT_EXECUTE, binary rows).
    pc = conn.cursor(prepared=True)
    pc.execute("SELECT ? + 1, CONCAT(?, '!')", (41, "it's"))
    row = pc.fetchone()
    assert row[0] == 42 and row[1] == "it's!", row
else:
    cur.execute("SELECT %s + 1, CONCAT(%s, '!')", (41, "it's"))
    row = cur.fetchone()
    assert row[0] == 42 and row[1] == "it's!", row
conn.close()

try:
    connect("wrong-password")
except Exception as e:  # driver-specific error classes
    code = e.args[0] if e.args else None
    if code != 1045:
        print(f"wrong password gave {e!r}, expected 1045")
        sys.exit(1)
else:
    print("wrong password was accepted")
    sys.exit(1)
print(f"{driver}: ok ({cipher})")
