"""The observation store: one tidy table in SQLite by default, or any SQLAlchemy database."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DB_PATH = DATA_DIR / "dashboard.sqlite"
DB_URL_ENV = "DASHBOARD_DB_URL"

STATUSES = ("official", "provisional", "illustrative")

# How long a SQLite statement waits for another process's lock before giving up: long enough
# for an import to finish, short enough that a stuck lock is reported within seconds.
SQLITE_BUSY_TIMEOUT_MS = 3000
# How long a PostgreSQL connection attempt may take: an unreachable server is reported in
# seconds instead of after the operating system's TCP timeout (minutes).
POSTGRES_CONNECT_TIMEOUT_S = 3
# The data-version check is one tiny query; anything slower means the server is stuck.
VERSION_CHECK_TIMEOUT_MS = 3000
# A new SQLite file is readable and writable by its owner only: the figures are not public
# until published, and other local users have no business reading them.
SQLITE_FILE_MODE = 0o600

log = logging.getLogger(__name__)

metadata = sa.MetaData()

# Each write (seed, import, rollback) is a batch, so every value can be traced to its origin.
batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("file_name", sa.String(500)),
    sa.Column("sha256", sa.String(64)),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("comment", sa.Text),
    # Set on an import batch when it is rolled back: the id of the rollback batch.
    sa.Column("rolled_back_by", sa.Integer, sa.ForeignKey("batches.id")),
)

# An observation belongs to a unit of a given map (map_id, unit_code), not to a bare code,
# because the city changed its administrative map in 2025.
observations = sa.Table(
    "observations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("map_id", sa.String(40), nullable=False),
    sa.Column("unit_code", sa.String(10), nullable=False),
    sa.Column("period", sa.Integer, nullable=False),
    sa.Column("indicator_id", sa.String(80), nullable=False),
    sa.Column("value", sa.Float),
    sa.Column("numerator", sa.Float),
    sa.Column("denominator", sa.Float),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
    # Older values are kept, not overwritten: only the current row of a cell is active.
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    # The batch that deactivated this row (a later import, or the rollback of its own batch).
    sa.Column("superseded_by", sa.Integer, sa.ForeignKey("batches.id")),
    sa.CheckConstraint(f"status IN {STATUSES}", name="known_status"),
    sa.Index("ix_observation_cell", "map_id", "unit_code", "period", "indicator_id", "active"),
)

# At most one active row per cell, enforced by the database itself where it supports partial
# indexes; elsewhere the importer's single transaction keeps the rule.
ACTIVE_CELL_INDEX = sa.Index(
    "ux_observation_active_cell",
    observations.c.map_id, observations.c.unit_code, observations.c.period,
    observations.c.indicator_id,
    unique=True,
    sqlite_where=observations.c.active,
    postgresql_where=observations.c.active,
).ddl_if(dialect=("sqlite", "postgresql"))
PARTIAL_INDEX_DIALECTS = ("sqlite", "postgresql")

OBSERVATION_COLUMNS = [
    "map_id", "unit_code", "period", "indicator_id", "value", "numerator", "denominator",
    "status", "source",
]


def database_url() -> str:
    """`DASHBOARD_DB_URL` when set, else the embedded SQLite file under data/."""
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{DEFAULT_DB_PATH}"


class DatabaseUnavailable(sa.exc.SQLAlchemyError):
    """The database file vanished or was replaced while this process was using it."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{reason}: {path}")
        self.path, self.reason = path, reason


# (device, inode) of every SQLite file this process has opened, by absolute path. A file that
# later vanishes or changes identity (deleted, moved, replaced by a copy) is refused, so the
# process never silently writes to a fresh file while others still hold the old one.
_SQLITE_IDENTITIES: dict[str, tuple[int, int]] = {}
_IDENTITY_LOCK = threading.Lock()
FILE_MISSING = "database file missing"
# A replaced file may be a restored backup: the administrator decides, by restarting.
FILE_REPLACED = "database file replaced; restart the server to use the new file"


def create_db_engine(url: str | None = None) -> sa.Engine:
    """An engine with the store's connection rules.

    SQLite: WAL journal (readers never wait for a writer), a short busy timeout, and a file
    that is created once, owner-only, and then must stay the same file (only `rebuild` may
    start a new one). PostgreSQL: a connect timeout.
    """
    url_object = sa.make_url(url or database_url())
    path = sqlite_file_path(url_object)
    if path is not None:
        # A fresh connection per checkout costs well under a millisecond and means no idle
        # connection keeps a deleted file alive or blocks another process's exclusive lock.
        engine = sa.create_engine(url_object, poolclass=NullPool)
        _guard_sqlite_file(engine, path)
    elif url_object.get_backend_name() == "postgresql" and "connect_timeout" not in url_object.query:
        engine = sa.create_engine(url_object,
                                  connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S})
    else:
        engine = sa.create_engine(url_object)
    if engine.dialect.name == "sqlite":
        _make_sqlite_transactional(engine)
    return engine


def sqlite_file_path(url: str | sa.URL) -> str | None:
    """The absolute path of a SQLite database file, or None for other databases and memory."""
    url = sa.make_url(url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return os.path.abspath(database)


def sqlite_file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, or None when there is none."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def check_sqlite_file(path: str) -> None:
    """Raise DatabaseUnavailable when the file this process opened is gone or was replaced."""
    with _IDENTITY_LOCK:
        known = _SQLITE_IDENTITIES.get(path)
    if known is None:
        return
    identity = sqlite_file_identity(path)
    if identity is None:
        raise DatabaseUnavailable(path, FILE_MISSING)
    if identity != known:
        raise DatabaseUnavailable(path, FILE_REPLACED)


def _create_owner_only(path: str) -> None:
    """An empty file (a valid empty SQLite database) readable by its owner only.

    SQLite gives the -wal and -shm files it creates later the same mode as this file.
    """
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, SQLITE_FILE_MODE))
    except FileExistsError:
        pass


def _adopt_sqlite_file(path: str, create: bool) -> None:
    """Create the file on first use (or when rebuilding), remember its identity, then hold to it."""
    with _IDENTITY_LOCK:
        known = _SQLITE_IDENTITIES.get(path)
        identity = sqlite_file_identity(path)
        if identity is None and (known is None or create):
            _create_owner_only(path)
            identity = sqlite_file_identity(path)
            log.info("created database file %s", path)
        if identity is None:
            raise DatabaseUnavailable(path, FILE_MISSING)
        if known is None or create:
            _SQLITE_IDENTITIES[path] = identity
            if os.stat(path).st_mode & 0o077:
                log.warning("database file %s is readable by other users; `chmod 600` it (and "
                            "its -wal and -shm files)", path)
        elif identity != known:
            raise DatabaseUnavailable(path, FILE_REPLACED)


def _guard_sqlite_file(engine: sa.Engine, path: str) -> None:
    """Open the file only if it is the one this process knows, and never let SQLite create one."""

    @sa.event.listens_for(engine, "do_connect")
    def _open_existing_only(_dialect, _record, cargs, cparams):
        _adopt_sqlite_file(path, create=False)
        # `mode=rw`: if the file vanishes between the check above and the open, SQLite fails
        # instead of creating a new empty database.
        cargs[:] = [f"file:{quote(path)}?mode=rw"]
        cparams["uri"] = True
        cparams["timeout"] = SQLITE_BUSY_TIMEOUT_MS / 1000

    @sa.event.listens_for(engine, "connect")
    def _check_after_open(dbapi_connection, _record):
        try:
            check_sqlite_file(path)  # the file may have been swapped during the open
        except DatabaseUnavailable:
            dbapi_connection.close()
            raise


def _make_sqlite_transactional(engine: sa.Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 driver, open transactions, so DDL rolls back too.

    By default the driver commits before DROP/CREATE, which would make a failed rebuild or
    import lose data. This is SQLAlchemy's documented recipe for pysqlite. Each connection
    also gets the busy timeout and, once per file, the WAL journal.
    """

    @sa.event.listens_for(engine, "connect")
    def _disable_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(dbapi_connection)

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


def _use_wal(dbapi_connection) -> None:
    """Switch the file to WAL once; the mode is stored in the file, so later opens only read it.

    With WAL, readers (every session's figures) go on while an import writes. Memory
    databases stay in memory mode.
    """
    mode = dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0]
    if mode in ("wal", "memory"):
        return
    try:
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
    except Exception as error:  # another process holds the file; the next connection retries
        log.info("could not switch the database to WAL yet: %s", error)


def database_exists(url: str | None = None) -> bool:
    """True when the schema is present and holds observations (a missing file is not created)."""
    path = sqlite_file_path(url or database_url())
    if path is not None and not os.path.exists(path):
        return False
    engine = create_db_engine(url)
    try:
        if not sa.inspect(engine).has_table("observations"):
            return False
        with engine.connect() as connection:
            count = sa.select(sa.func.count()).select_from(observations)
            return bool(connection.execute(count).scalar())
    finally:
        engine.dispose()


def upgrade_schema(engine: sa.Engine) -> None:
    """Create missing tables and add columns that newer versions need; safe to run every time.

    Databases seeded before imports existed lack `batches.rolled_back_by`,
    `observations.superseded_by` and the one-active-row-per-cell index. Each database is
    checked once per process.
    """
    key = engine.url.render_as_string(hide_password=False)
    if key in _UPGRADED:
        return
    with engine.begin() as connection:
        metadata.create_all(connection, checkfirst=True)
        inspector = sa.inspect(connection)
        if_not_exists = "IF NOT EXISTS " if connection.dialect.name == "postgresql" else ""
        for table, column in ((batches, "rolled_back_by"), (observations, "superseded_by")):
            present = {info["name"] for info in inspector.get_columns(table.name)}
            if column not in present:
                connection.exec_driver_sql(
                    f"ALTER TABLE {table.name} ADD COLUMN {if_not_exists}{column} "
                    "INTEGER REFERENCES batches(id)"
                )
        indexes = {info["name"] for info in inspector.get_indexes(observations.name)}
        if (
            connection.dialect.name in PARTIAL_INDEX_DIALECTS
            and ACTIVE_CELL_INDEX.name not in indexes
        ):
            ACTIVE_CELL_INDEX.create(connection)
    _UPGRADED.add(key)


_UPGRADED: set[str] = set()


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def rebuild(engine: sa.Engine, frames: list[tuple[str, pd.DataFrame]], user_name: str) -> int:
    """Drop and recreate the schema, then write each (source label, frame) as a seed batch.

    Runs in one transaction, so a failure leaves the previous database untouched.
    Returns the number of observations written.
    """
    total = 0
    _UPGRADED.discard(engine.url.render_as_string(hide_password=False))
    path = sqlite_file_path(engine.url)
    if path is not None:  # a rebuild may start a new file where the old one was removed
        _adopt_sqlite_file(path, create=True)
    with engine.begin() as connection:
        metadata.drop_all(connection)
        metadata.create_all(connection)
        for label, frame in frames:
            total += _insert_batch(
                connection, frame, kind="seed", user_name=user_name, file_name=label
            )
    return total


def _insert_batch(
    connection: sa.Connection, frame: pd.DataFrame, *, kind: str, user_name: str, file_name: str
) -> int:
    created = now()
    batch_id = connection.execute(
        batches.insert().values(
            kind=kind, created_at=created, user_name=user_name, file_name=file_name,
            row_count=len(frame),
        )
    ).inserted_primary_key[0]
    columns = frame[OBSERVATION_COLUMNS]
    records = columns.astype(object).where(columns.notna(), None)
    rows = [
        {**record, "period": int(record["period"]), "updated_at": created, "batch_id": batch_id,
         "active": True}
        for record in records.to_dict("records")
    ]
    if rows:
        connection.execute(observations.insert(), rows)
    return len(rows)


def read_observations(engine: sa.Engine) -> pd.DataFrame:
    """All active observations, with codes as text and numbers as floats."""
    query = sa.select(
        *[observations.c[name] for name in OBSERVATION_COLUMNS], observations.c.updated_at
    ).where(observations.c.active)
    with engine.connect() as connection:
        frame = pd.read_sql(query, connection)
    frame = frame.astype(
        {"map_id": str, "unit_code": str, "indicator_id": str, "status": str, "source": str,
         "period": int, "value": float, "numerator": float, "denominator": float}
    )
    frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True)
    return frame


def imported_batch_count(url: str | None = None) -> int:
    """How many import batches the database holds: work a rebuild would erase."""
    path = sqlite_file_path(url or database_url())
    if path is not None and not os.path.exists(path):
        return 0
    engine = create_db_engine(url)
    try:
        if not sa.inspect(engine).has_table("batches"):
            return 0
        with engine.connect() as connection:
            query = sa.select(sa.func.count()).select_from(batches).where(batches.c.kind == "import")
            return int(connection.execute(query).scalar() or 0)
    finally:
        engine.dispose()


def data_version(engine: sa.Engine, timeout_ms: int | None = None) -> int:
    """The latest batch id: a cheap stamp that changes whenever the data changes.

    With `timeout_ms`, PostgreSQL gives up on the query after that long (SQLite's busy
    timeout bounds it already).
    """
    with engine.connect() as connection:
        if timeout_ms and connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
        return int(connection.execute(sa.select(sa.func.max(batches.c.id))).scalar() or 0)


# ---------------------------------------------------------------- editor sign-ins (dashboard.auth)

# One row per editor sign-in, so that signing out ends it on every process and machine that
# shares this database. `id` is the SHA-256 of the random token in the signed cookie, never
# the token itself; times are seconds since the epoch (UTC), the same on every backend.
signins = sa.Table(
    "signins",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("revoked", sa.Float),
)
