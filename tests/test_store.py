"""The store keeps one tidy observation table, written in batches."""

import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import store
from dashboard.seed import seed_database


def test_seeded_database_holds_official_and_illustrative_rows(seeded_db_url):
    engine = store.create_db_engine(seeded_db_url)
    observations = store.read_observations(engine)
    assert set(observations["status"]) == {"official", "provisional", "illustrative"}
    assert list(observations.columns[:9]) == store.OBSERVATION_COLUMNS
    assert observations["unit_code"].map(type).eq(str).all()
    city = observations.query("map_id == 'hn_city' and indicator_id == 'women_district_council_pct'")
    assert city.iloc[0][["numerator", "denominator"]].tolist() == [356, 1183]
    assert "hanoimoi" in city.iloc[0]["source"]


def test_each_seed_source_is_its_own_batch(seeded_db_url):
    engine = store.create_db_engine(seeded_db_url)
    with engine.connect() as connection:
        batches = pd.read_sql(sa.select(store.batches), connection)
    assert batches["kind"].eq("seed").all()
    assert batches["row_count"].sum() == len(store.read_observations(engine))
    assert store.data_version(engine) == batches["id"].max()


def test_database_url_defaults_to_embedded_sqlite(monkeypatch):
    monkeypatch.delenv(store.DB_URL_ENV, raising=False)
    assert store.database_url() == f"sqlite:///{store.DEFAULT_DB_PATH}"
    monkeypatch.setenv(store.DB_URL_ENV, "postgresql://u@h/db")
    assert store.database_url() == "postgresql://u@h/db"


def test_database_exists_only_after_seeding(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    assert not store.database_exists(url)
    seed_database(url)
    assert store.database_exists(url)


def test_a_failed_rebuild_leaves_the_previous_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    before = len(store.read_observations(engine))
    # A row without unit, indicator or status violates the schema half-way through the rebuild.
    bad = pd.DataFrame([{**{column: None for column in store.OBSERVATION_COLUMNS}, "period": 2016}])
    with pytest.raises(sa.exc.IntegrityError):
        store.rebuild(engine, [("bad", bad)], user_name="test")
    assert len(store.read_observations(engine)) == before


# ---------------------------------------------------------------- connections and the file


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_sqlite_runs_in_wal_with_a_short_busy_timeout(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == store.SQLITE_BUSY_TIMEOUT_MS


def test_an_existing_database_is_switched_to_wal(tmp_path):
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE t (x)")
    old.close()
    with store.create_db_engine(f"sqlite:///{path}").connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_new_database_file_and_its_journal_are_readable_by_the_owner_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'private.sqlite'}"
    previous = os.umask(0o022)  # the usual umask would leave a new file world-readable
    try:
        seed_database(url)
        path = sqlite_path(url)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with store.create_db_engine(url).connect() as connection:
            store.read_observations(connection.engine)  # another connection: journal files exist
            connection.exec_driver_sql("SELECT count(*) FROM batches").scalar()
            journal = [Path(f"{path}-wal"), Path(f"{path}-shm")]
            assert all(file.exists() for file in journal)
            assert {stat.S_IMODE(file.stat().st_mode) for file in journal} == {0o600}
    finally:
        os.umask(previous)


def test_readers_go_on_while_another_process_holds_the_write_lock(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITE_LOCK, str(sqlite_path(url)), "BEGIN IMMEDIATE", "5"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "locked"
        started = time.monotonic()
        assert len(store.read_observations(engine)) > 0
        assert store.data_version(engine) == 3
        assert time.monotonic() - started < 1
    finally:
        writer.kill()
        writer.wait()


# Holds a lock on a SQLite file from another process: argv = path, BEGIN statement, seconds.
WRITE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
if sys.argv[2] == "BEGIN EXCLUSIVE":
    connection.execute("PRAGMA locking_mode = EXCLUSIVE")
connection.execute(sys.argv[2])
connection.execute("UPDATE batches SET comment = comment WHERE id = 1")
print("locked", flush=True)
time.sleep(float(sys.argv[3]))
"""


def test_a_locked_sqlite_database_gives_up_after_the_busy_timeout(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    locker = subprocess.Popen(
        [sys.executable, "-c", WRITE_LOCK, str(sqlite_path(url)), "BEGIN EXCLUSIVE", "30"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert locker.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            store.data_version(engine, store.VERSION_CHECK_TIMEOUT_MS)
        assert time.monotonic() - started < store.SQLITE_BUSY_TIMEOUT_MS / 1000 + 2
    finally:
        locker.kill()
        locker.wait()
    assert store.data_version(engine) == 3


def test_a_deleted_database_file_is_refused_and_never_recreated(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    assert store.data_version(engine) == 3
    path = sqlite_path(url)
    path.unlink()
    with pytest.raises(store.DatabaseUnavailable, match="missing"):
        store.data_version(engine)
    with pytest.raises(store.DatabaseUnavailable, match="missing"):
        store.read_observations(store.create_db_engine(url))
    assert not path.exists()


def test_a_replaced_database_file_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    assert store.data_version(engine) == 3
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(sqlite_path(url), copy)
    os.replace(copy, sqlite_path(url))  # same path, same content, another file
    with pytest.raises(store.DatabaseUnavailable, match="replaced"):
        store.data_version(engine)


def test_a_file_moved_back_is_the_same_database_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    path = sqlite_path(url)
    path.rename(tmp_path / "away.sqlite")
    with pytest.raises(store.DatabaseUnavailable):
        store.data_version(engine)
    (tmp_path / "away.sqlite").rename(path)
    assert store.data_version(engine) == 3


def test_a_rebuild_may_start_a_new_file_where_the_old_one_was_removed(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    sqlite_path(url).unlink()
    assert not store.database_exists(url)
    assert not sqlite_path(url).exists()  # asking does not create it
    seed_database(url)
    assert store.data_version(store.create_db_engine(url)) == 3


def test_an_unanswering_postgresql_server_fails_within_the_connect_timeout():
    # A socket that accepts connections but never answers, like a stuck server or a firewall.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        engine = store.create_db_engine(f"postgresql+psycopg://u@127.0.0.1:{port}/db")
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError):
            store.data_version(engine)
        assert time.monotonic() - started < store.POSTGRES_CONNECT_TIMEOUT_S + 2


def postgres_url(server: dict, database: str) -> str:
    return f"postgresql+psycopg://postgres@/{database}?host={server['host']}&port={server['port']}"


def test_the_postgresql_version_check_has_a_statement_timeout(postgres_server):
    admin = sa.create_engine(postgres_url(postgres_server, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql("DROP DATABASE IF EXISTS version_timeout")
        connection.exec_driver_sql("CREATE DATABASE version_timeout")
    admin.dispose()
    url = postgres_url(postgres_server, "version_timeout")
    engine = store.create_db_engine(url)
    store.upgrade_schema(engine)
    blocker = store.create_db_engine(url)
    try:
        with blocker.connect() as holding:
            holding.exec_driver_sql("LOCK TABLE batches IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
                store.data_version(engine, timeout_ms=500)
            assert time.monotonic() - started < 2
            holding.rollback()
        assert store.data_version(engine, timeout_ms=500) == 0
    finally:
        blocker.dispose()
        engine.dispose()
