"""Open sessions pick up newly imported figures without a reload, from one watcher per process,
and show a banner instead of failing while the database cannot be reached."""

import logging
import shutil
import socket
import sqlite3
import threading
import time
from pathlib import Path

import holoviews as hv
import panel as pn
import pytest
from bokeh.document import Document

from dashboard import data as data_module
from dashboard import store
from dashboard.data import DataWatcher, data_watcher, load_data, refresh_if_changed
from dashboard.importer import import_bytes
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.seed import seed_database
from dashboard.shell import build_app, watch_for_new_data
from dashboard.state import new_state
from dashboard.views.choropleth import ChoroplethView
from dashboard.views.notices import database_banner

hv.extension("bokeh")

OFFICIAL_BA_VI = (
    "unit_code,period,indicator_id,value,numerator,denominator,source\n"
    "271,2016,women_district_council_pct,,12,40,Sở Nội vụ Hà Nội\n"
).encode("utf-8")


def test_an_import_reaches_an_open_map_with_values_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    seed_database(url)
    data = load_data(url)
    state = new_state(data, indicator="women_district_council_pct", year=2016)
    view = ChoroplethView(snapshot=IndicatorSnapshot(state=state, data=data))
    document = Document()
    document.add_root(pn.panel(view).get_root(document))
    source = view.source
    assert not refresh_if_changed(data, url)

    result = import_bytes(OFFICIAL_BA_VI, "ba_vi.csv", user="test", db_url=url)
    assert result.ok, [problem.message("en") for problem in result.problems]
    assert refresh_if_changed(data, url)
    state.data_version = data.version  # what a session does when the watcher tells it

    index = list(source.data["code"]).index("271")
    assert source.data["value"][index] == 30.0
    assert source.data["ratio"][index] == "12/40"
    assert source.data["status_label"][index] == "chính thức"



@pytest.fixture
def live_db(tmp_path):
    """A seeded database of its own and the data loaded from it."""
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    seed_database(url)
    return url, load_data(url)


def session(watcher: DataWatcher):
    """A session's state and banner, listening to `watcher`, with its updates run at once."""
    state = new_state(watcher.data, indicator="women_district_council_pct", year=2016)
    banner = database_banner()
    unsubscribe = watch_for_new_data(state, banner, watcher, schedule=lambda function: function())
    return state, banner, unsubscribe


def test_sessions_hear_only_of_changes(live_db):
    url, data = live_db
    watcher = DataWatcher(data, url)
    heard: list[list] = [[], [], []]
    for log in heard:
        watcher.subscribe(log.append)
    watcher.check()
    assert heard == [[], [], []]

    assert import_bytes(OFFICIAL_BA_VI, "ba_vi.csv", user="test", db_url=url).ok
    watcher.check()
    watcher.check()
    assert [len(log) for log in heard] == [1, 1, 1]
    assert heard[0][0].reachable and heard[0][0].version == data.version == 4


def test_sessions_hear_of_data_another_session_reloaded(live_db):
    url, data = live_db
    watcher = DataWatcher(data, url)
    heard: list = []
    watcher.subscribe(heard.append)
    assert import_bytes(OFFICIAL_BA_VI, "ba_vi.csv", user="test", db_url=url).ok
    assert refresh_if_changed(data, url)  # what the importing session does at once
    watcher.check()
    assert [status.version for status in heard] == [4]


def test_one_check_serves_every_session(live_db, monkeypatch):
    url, data = live_db
    watcher = DataWatcher(data, url)
    sessions = [session(watcher) for _ in range(3)]
    reads = []
    real_read = store.read_observations
    monkeypatch.setattr(store, "read_observations", lambda engine: reads.append(1) or real_read(engine))

    assert import_bytes(OFFICIAL_BA_VI, "ba_vi.csv", user="test", db_url=url).ok
    watcher.check()
    assert len(reads) == 1
    assert [state.data_version for state, _banner, _stop in sessions] == [4, 4, 4]


def test_a_closed_session_hears_nothing_more(live_db):
    url, data = live_db
    watcher = DataWatcher(data, url)
    state, _banner, unsubscribe = session(watcher)
    assert watcher.subscriber_count == 1
    unsubscribe()
    assert watcher.subscriber_count == 0
    assert import_bytes(OFFICIAL_BA_VI, "ba_vi.csv", user="test", db_url=url).ok
    watcher.check()
    assert state.data_version == 3


def test_a_database_moved_away_shows_the_banner_keeps_the_figures_and_recovers(live_db, caplog):
    url, data = live_db
    watcher = DataWatcher(data, url)
    state, banner, _stop = session(watcher)
    shown = data.observations
    assert not banner.visible
    path = Path(url.removeprefix("sqlite:///"))

    path.rename(path.with_suffix(".away"))
    with caplog.at_level(logging.WARNING, logger="dashboard.data"):
        status = watcher.check()
        watcher.check()
    assert not status.reachable and "missing" in status.reason
    assert banner.visible
    assert data.observations is shown and state.data_version == 3
    assert not path.exists()  # nothing created in its place
    assert [record.exc_info for record in caplog.records] == [None]  # logged once, no traceback

    path.with_suffix(".away").rename(path)
    assert watcher.check().reachable
    assert not banner.visible


def test_a_replaced_database_is_reported_and_not_read(live_db):
    url, data = live_db
    watcher = DataWatcher(data, url)
    _state, banner, _stop = session(watcher)
    path = Path(url.removeprefix("sqlite:///"))
    other = path.with_name("other.sqlite")
    shutil.copyfile(path, other)
    assert import_bytes(OFFICIAL_BA_VI, "ba_vi.csv", user="test", db_url=f"sqlite:///{other}").ok
    other.replace(path)  # a newer copy put in place of the file in use

    status = watcher.check()
    assert not status.reachable and "replaced" in status.reason
    assert banner.visible and data.version == 3


def test_the_check_runs_in_its_own_thread_while_the_database_is_locked(live_db):
    url, data = live_db
    path = url.removeprefix("sqlite:///")
    locker = sqlite3.connect(path, isolation_level=None, timeout=10)
    locker.execute("PRAGMA locking_mode = EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    locker.execute("UPDATE batches SET comment = comment WHERE id = 1")
    watcher = DataWatcher(data, url, interval=0.2)
    _state, banner, _stop = session(watcher)
    try:
        started = time.monotonic()
        watcher.start()
        assert time.monotonic() - started < 0.1  # the caller (the event loop) never waits
        assert watcher.running and watcher._thread is not threading.current_thread()
        deadline = time.monotonic() + store.SQLITE_BUSY_TIMEOUT_MS / 1000 + 5
        while not banner.visible and time.monotonic() < deadline:
            time.sleep(0.05)
        assert banner.visible
        locker.rollback()
        locker.close()
        deadline = time.monotonic() + store.SQLITE_BUSY_TIMEOUT_MS / 1000 + 5
        while banner.visible and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not banner.visible
    finally:
        watcher.stop()
        locker.close()
    assert not watcher.running


def test_a_process_has_one_watcher_per_database(live_db, monkeypatch):
    url, data = live_db
    monkeypatch.setattr(data_module, "cached_data", lambda _url: data)
    monkeypatch.setattr(data_module, "_WATCHERS", {})
    watcher = data_watcher(url)
    try:
        assert data_watcher(url) is watcher and watcher.running
    finally:
        watcher.stop()


def test_a_postgresql_server_that_is_down_shows_the_banner_without_an_error(live_db):
    _url, data = live_db
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    watcher = DataWatcher(data, f"postgresql+psycopg://u@127.0.0.1:{port}/db")
    _state, banner, _stop = session(watcher)
    started = time.monotonic()
    status = watcher.check()
    assert not status.reachable and "OperationalError" in status.reason
    assert banner.visible
    assert time.monotonic() - started < store.POSTGRES_CONNECT_TIMEOUT_S + 2


def test_a_first_visit_while_the_database_is_down_gets_the_banner_not_a_traceback(monkeypatch):
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(store.DB_URL_ENV, f"postgresql+psycopg://u@127.0.0.1:{port}/db")
    page = build_app()
    banner = page.objects[0]
    assert banner.visible and "database-banner" in banner.css_classes
    assert "Không kết nối được cơ sở dữ liệu" in banner.object
    assert "The database cannot be reached" in banner.object
