"""The observation store: one tidy table in SQLite by default, or any SQLAlchemy database."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DB_PATH = DATA_DIR / "dashboard.sqlite"
DB_URL_ENV = "DASHBOARD_DB_URL"

STATUSES = ("official", "provisional", "illustrative")

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


def create_db_engine(url: str | None = None) -> sa.Engine:
    engine = sa.create_engine(url or database_url())
    if engine.dialect.name == "sqlite":
        _make_sqlite_transactional(engine)
    return engine


def _make_sqlite_transactional(engine: sa.Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 driver, open transactions, so DDL rolls back too.

    By default the driver commits before DROP/CREATE, which would make a failed rebuild or
    import lose data. This is SQLAlchemy's documented recipe for pysqlite.
    """

    @sa.event.listens_for(engine, "connect")
    def _disable_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


def database_exists(url: str | None = None) -> bool:
    """True when the schema is present and holds observations."""
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
    engine = create_db_engine(url)
    try:
        if not sa.inspect(engine).has_table("batches"):
            return 0
        with engine.connect() as connection:
            query = sa.select(sa.func.count()).select_from(batches).where(batches.c.kind == "import")
            return int(connection.execute(query).scalar() or 0)
    finally:
        engine.dispose()


def data_version(engine: sa.Engine) -> int:
    """The latest batch id: a cheap stamp that changes whenever the data changes."""
    with engine.connect() as connection:
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
