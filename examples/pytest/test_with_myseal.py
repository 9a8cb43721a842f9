"""Python tests against myseal through PyMySQL over verified TLS (fixtures in conftest.py).

Run: `cargo build --release -p myseal && python3 -m pytest examples/pytest`
"""

import ssl

import pymysql
import pytest


def test_a_table_round_trips_over_verified_tls(myseal, database):
    with myseal.connect(database=database) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)")
        cur.executemany("INSERT INTO items VALUES (%s, %s)", [(1, "teapot"), (2, "kettle")])
        cur.execute("SELECT name FROM items ORDER BY id")
        assert [row[0] for row in cur.fetchall()] == ["teapot", "kettle"]
        cur.execute("SHOW STATUS LIKE 'Ssl_version'")
        assert cur.fetchone()[1].startswith("TLSv1.")


def test_each_test_starts_from_the_seed(myseal, database):
    """Collected twice (under two names): both runs see the two seeded users and get id 3,
    whatever the other one wrote."""
    with myseal.connect(database=database) as conn, conn.cursor() as cur:
        cur.execute("SELECT email FROM users ORDER BY id")
        assert [r[0] for r in cur.fetchall()] == ["ada@example.com", "bob@example.com"]
        cur.execute("INSERT INTO users (email) VALUES ('new@example.com')")
        assert cur.lastrowid == 3
        with pytest.raises(pymysql.err.IntegrityError) as dup:
            cur.execute("INSERT INTO users (email) VALUES ('ada@example.com')")
        assert dup.value.args[0] == 1062


test_each_test_starts_from_the_seed_again = test_each_test_starts_from_the_seed


def test_an_application_account_gets_only_its_grants(myseal, database):
    with myseal.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE USER IF NOT EXISTS 'reader'@'%' IDENTIFIED BY 'reader-pw'")
        cur.execute(f"GRANT SELECT ON `{database}`.* TO 'reader'@'%'")
        cur.execute(f"CREATE TABLE `{database}`.notes (body TEXT)")
    with myseal.connect("reader", "reader-pw", database) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM notes")
        assert cur.fetchone() == (0,)
        with pytest.raises(pymysql.err.OperationalError) as denied:
            cur.execute("INSERT INTO notes VALUES ('no')")
        assert denied.value.args[0] == 1142


def test_a_client_that_trusts_only_public_roots_refuses_the_server(myseal):
    """The verification is real: myseal's certificate chains to its own CA, not a public one."""
    bundle = ssl.get_default_verify_paths().cafile
    if bundle is None:
        pytest.skip("no system CA bundle")
    with pytest.raises(pymysql.err.OperationalError) as failed:
        pymysql.connect(
            host=myseal.host,
            port=myseal.port,
            user="root",
            password=myseal.root_password,
            ssl_ca=bundle,
            ssl_verify_cert=True,
        )
    assert "CERTIFICATE_VERIFY_FAILED" in str(failed.value)
