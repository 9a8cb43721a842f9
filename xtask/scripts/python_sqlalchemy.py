"""SQLAlchemy 2 (PyMySQL driver) and an Alembic migration against myseal over verified TLS.
Exit 0 = ok, 77 = SQLAlchemy/Alembic/PyMySQL not installed, anything else = a check failed.

usage: python_sqlalchemy.py PORT CA_PEM ROOT_PASSWORD OTHER_CA_PEM

The URL is mysql+pymysql://root:PW@127.0.0.1:PORT/?ssl_ca=CA: the dialect hands PyMySQL
ssl={"ca": CA}, and PyMySQL then requires a certificate that verifies against that CA and
names the host (ssl.create_default_context with check_hostname). The migration runs through
alembic.command with a script directory written to a temporary folder: revision 1 creates the
table, revision 2 adds a column and an index; it is downgraded one step and upgraded again,
and the reflected schema must then match the ORM model exactly (Alembic's autogenerate
comparison, which reads the table back through SHOW CREATE TABLE / information_schema).
"""
import datetime
import decimal
import os
import sys
import tempfile
import textwrap
import urllib.parse

port, ca, password, other_ca = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
try:
    import pymysql  # noqa: F401 (the driver the URL names)
    import sqlalchemy as sa
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from sqlalchemy import orm
    from sqlalchemy.dialects import mysql
except ImportError as e:
    print(f"not installed ({e}); pip install SQLAlchemy alembic PyMySQL")
    sys.exit(77)

SCHEMA = "sqlalchemy_check"


problems = []  # failures that do not stop the remaining checks


def check(ok, what):
    if not ok:
        print(f"FAILED: {what}")
        sys.exit(1)


def url(database="", cafile=ca, pw=password):
    return (f"mysql+pymysql://root:{urllib.parse.quote_plus(pw)}@127.0.0.1:{port}/{database}"
            f"?charset=utf8mb4&ssl_ca={urllib.parse.quote_plus(cafile)}")


def dbapi_code(e):
    orig = getattr(e, "orig", None)
    return orig.args[0] if orig is not None and orig.args else None


# Refused: a server certificate from another CA (PyMySQL reports the TLS failure as 2003).
try:
    sa.create_engine(url(cafile=other_ca)).connect().close()
    check(False, "connected while trusting another CA")
except sa.exc.OperationalError as e:
    check("CERTIFICATE_VERIFY_FAILED" in str(e), f"another CA: {e}")

admin = sa.create_engine(url())
with admin.connect() as c:
    version = c.execute(sa.text("SHOW SESSION STATUS LIKE 'Ssl_version'")).one()[1]
    check(version.startswith("TLSv1."), f"Ssl_version {version}")
    c.execute(sa.text(f"DROP DATABASE IF EXISTS {SCHEMA}"))
    c.execute(sa.text(f"CREATE DATABASE {SCHEMA}"))

# The Alembic environment: env.py runs the migrations on the connection the caller passes.
scripts = tempfile.mkdtemp(prefix="myseal-alembic-")
os.makedirs(os.path.join(scripts, "versions"))
files = {
    "env.py": """
        from alembic import context
        connection = context.config.attributes["connection"]
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()
        """,
    "versions/r1_items.py": """
        import sqlalchemy as sa
        from alembic import op
        from sqlalchemy.dialects import mysql

        revision = "r1_items"
        down_revision = None

        def upgrade():
            op.create_table(
                "items",
                sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                sa.Column("code", sa.String(20), nullable=False, unique=True),
                sa.Column("price", sa.Numeric(10, 2)),
                sa.Column("big", mysql.BIGINT(unsigned=True)),
                sa.Column("at", mysql.DATETIME(fsp=6)),
                sa.Column("during", mysql.TIME()),
                sa.Column("label", sa.String(40)),
                sa.Column("data", sa.LargeBinary),
            )

        def downgrade():
            op.drop_table("items")
        """,
    "versions/r2_note.py": """
        import sqlalchemy as sa
        from alembic import op

        revision = "r2_note"
        down_revision = "r1_items"

        def upgrade():
            op.add_column("items", sa.Column("note", sa.String(50)))
            op.create_index("ix_items_note", "items", ["note"])

        def downgrade():
            op.drop_index("ix_items_note", table_name="items")
            op.drop_column("items", "note")
        """,
}
for name, body in files.items():
    with open(os.path.join(scripts, name), "w") as f:
        f.write(textwrap.dedent(body).lstrip())

engine = sa.create_engine(url(SCHEMA))
cfg = Config()
cfg.set_main_option("script_location", scripts)


def migrate(fn, target):
    with engine.begin() as c:
        cfg.attributes["connection"] = c
        fn(cfg, target)


def columns():
    return {c["name"] for c in sa.inspect(engine).get_columns("items")}


def current():
    with engine.connect() as c:
        return MigrationContext.configure(c).get_current_revision()


migrate(command.upgrade, "head")
check(current() == "r2_note", f"after upgrade head: revision {current()}")
check("note" in columns(), f"upgrade added no column: {columns()}")
migrate(command.downgrade, "-1")
check(current() == "r1_items", f"after downgrade -1: revision {current()}")
check("note" not in columns(), f"downgrade kept the column: {columns()}")
migrate(command.upgrade, "head")
check(current() == "r2_note", f"after upgrade again: revision {current()}")
indexes = {i["name"]: i for i in sa.inspect(engine).get_indexes("items")}
check(indexes.get("ix_items_note", {}).get("column_names") == ["note"], f"indexes {indexes}")


# The ORM model of the migrated table.
class Base(orm.DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    code = sa.Column(sa.String(20), nullable=False, unique=True)
    price = sa.Column(sa.Numeric(10, 2))
    big = sa.Column(mysql.BIGINT(unsigned=True))
    at = sa.Column(mysql.DATETIME(fsp=6))
    during = sa.Column(mysql.TIME())
    label = sa.Column(sa.String(40))
    data = sa.Column(sa.LargeBinary)
    note = sa.Column(sa.String(50), index=True)


with engine.connect() as c:
    diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
# The version table is Alembic's own, not in the model.
diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == "alembic_version")]
check(diff == [], f"reflected schema differs from the model: {diff}")

want = dict(
    code="a-1",
    price=decimal.Decimal("12345678.91"),
    big=18446744073709551615,
    at=datetime.datetime(2026, 12, 1, 10, 11, 12, 123456),
    # SQLAlchemy's MySQL TIME turns the driver's timedelta into a datetime.time, so the value
    # has to be a time of day (a negative or >24 h TIME cannot come back through it).
    during=datetime.time(23, 59, 58),
    label="emoji \U0001F600 ünïcödé",
    data=b"\x00\x01\x02\xff'\\",
    note="first",
)
with orm.Session(engine) as s:
    s.add(Item(**want))
    s.commit()
with orm.Session(engine) as s:
    item = s.execute(sa.select(Item).where(Item.code == "a-1")).scalar_one()
    for k, v in want.items():
        got = getattr(item, k)
        check(type(got) is type(v) and got == v, f"{k}: got {got!r}, want {v!r}")
    # A parameterised filter on each typed column finds the row (PyMySQL quotes the
    # parameters into the text: 12345678.91, 18446744073709551615, '2026-12-01 ...',
    # '23:59:58', '...', _binary'...'). A mismatch is noted and the checks go on.
    for k in ["price", "big", "at", "during", "label", "data"]:
        n = s.scalar(sa.select(sa.func.count()).select_from(Item).where(
            getattr(Item, k) == want[k]))
        if n != 1:
            problems.append(f"WHERE {k} = {want[k]!r} found {n} rows, want 1")

    # A transaction rolled back leaves nothing.
    s.add(Item(code="rolled-back"))
    s.flush()
    check(s.scalar(sa.select(sa.func.count()).select_from(Item)) == 2, "row inside the transaction")
    s.rollback()
    check(s.scalar(sa.select(sa.func.count()).select_from(Item)) == 1, "ROLLBACK left the row")

    # Errors carry MySQL's codes in the DBAPI exception's args[0].
    s.add(Item(code="a-1"))
    try:
        s.flush()
        check(False, "duplicate key accepted")
    except sa.exc.IntegrityError as e:
        check(dbapi_code(e) == 1062, f"duplicate key: want 1062, got {e}")
    s.rollback()
    try:
        s.execute(sa.text(f"SELECT * FROM {SCHEMA}.nope"))
        check(False, "unknown table accepted")
    except sa.exc.ProgrammingError as e:
        check(dbapi_code(e) == 1146, f"unknown table: want 1146, got {e}")
    s.rollback()
engine.dispose()

try:
    sa.create_engine(url(pw="wrong-password")).connect().close()
    check(False, "wrong password accepted")
except sa.exc.OperationalError as e:
    check(dbapi_code(e) == 1045, f"wrong password: want 1045, got {e}")

with admin.connect() as c:
    c.execute(sa.text(f"DROP DATABASE {SCHEMA}"))
admin.dispose()
if problems:
    print("FAILED: " + "; ".join(problems))
    sys.exit(1)
print(f"SQLAlchemy {sa.__version__} + Alembic: ok ({version})")
