"""While the database cannot be reached, every open page says so and stays responsive.

`panel serve` over a private copy of the seeded database, in Chromium. Moving the file away
shows a bilingual banner on every open page, with the figures already shown kept; moving it
back clears the banner by itself. A database held locked by another process for 20 s leaves
`/liveness` answering at once, because the data version is checked off the event loop. A
`--num-procs 2` server ends with every process it forked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from . import wait_for_app

LOAD_TIMEOUT_S = 90
# The watcher checks every 5 s and a locked check waits the 3 s busy timeout: the banner
# must come and go within about that, with room for a busy CI machine.
BANNER_TIMEOUT_MS = 20_000
# How long another process holds the lock, as in the report that found the freeze.
LOCK_SECONDS = 20
# /liveness must answer within this while the database is locked.
LIVENESS_LIMIT_S = 1.0
MAP_PATH = "/?page=map&indicator=women_district_council_pct&year=2021&district=271"
BANNER_VI = "Không kết nối được cơ sở dữ liệu"
BANNER_EN = "The database cannot be reached"

# Holds an exclusive lock on the database, so that even WAL readers must wait.
EXCLUSIVE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("PRAGMA locking_mode = EXCLUSIVE")
connection.execute("BEGIN EXCLUSIVE")
connection.execute("UPDATE batches SET comment = comment WHERE id = 1")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def private_server(module_panel_server, seeded_db_url):
    """start(*extra_args) -> (base URL, database path): the app over its own database copy.

    Started once per module for each set of options: the tests that share a server leave its
    database where they found it.
    """
    started: dict[tuple[str, ...], tuple[str, Path]] = {}

    def start(*extra_args: str) -> tuple[str, Path]:
        if extra_args not in started:
            directory = module_panel_server.directory / f"server-{len(started)}"
            directory.mkdir()
            database = directory / "dashboard.sqlite"
            shutil.copyfile(seeded_db_url.removeprefix("sqlite:///"), database)
            base = module_panel_server(*extra_args, env={"DASHBOARD_DB_URL": f"sqlite:///{database}"},
                                       timeout=LOAD_TIMEOUT_S)
            # A throw-away session loads the process-wide data, so the pages below do not pay for it.
            urllib.request.urlopen(f"{base}/?page=overview", timeout=LOAD_TIMEOUT_S).read()
            started[extra_args] = base, database
        return started[extra_args]

    return start


def open_pages(browser, base: str, paths: list[str], errors: list[str]):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(LOAD_TIMEOUT_S * 1000)
    pages = []
    for path in paths:
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + path, timeout=LOAD_TIMEOUT_S * 1000)
        wait_for_app(page, timeout=LOAD_TIMEOUT_S, plots=path.startswith("/?page=map"))
        pages.append(page)
    return context, pages


def server_log(servers, base: str) -> str:
    """What the server at `base` has logged since it started."""
    return servers.procs[base][1].read_text(errors="replace")


def test_a_missing_database_shows_a_banner_on_every_page_until_it_returns(private_server, browser,
                                                                           module_panel_server):
    base, database = private_server()
    errors: list[str] = []
    context, pages = open_pages(browser, base, [MAP_PATH, "/?page=overview&lang=en"], errors)
    card = pages[0].locator(".district-card")
    expect(card.locator(".card-title")).to_have_text("Huyện Ba Vì")
    figure = card.inner_text()
    for page in pages:
        expect(page.locator(".database-banner")).to_be_hidden()

    database.rename(database.with_suffix(".moved"))
    for page in pages:
        banner = page.locator(".database-banner")
        expect(banner).to_be_visible(timeout=BANNER_TIMEOUT_MS)
        expect(banner).to_contain_text(BANNER_VI)
        expect(banner).to_contain_text(BANNER_EN)
        assert "Traceback" not in page.content()
    assert card.inner_text() == figure  # the figures already shown stay
    assert not database.exists()  # and nothing was created in the file's place
    # A page opened during the outage shows the figures last loaded, and the banner at once.
    late_context, late_pages = open_pages(browser, base, [MAP_PATH], errors)
    expect(late_pages[0].locator(".database-banner")).to_be_visible()
    late_card = late_pages[0].locator(".district-card")
    expect(late_card.locator(".card-title")).to_have_text("Huyện Ba Vì")
    assert late_card.inner_text() == figure
    pages += late_pages

    database.with_suffix(".moved").rename(database)
    for page in pages:
        expect(page.locator(".database-banner")).to_be_hidden(timeout=BANNER_TIMEOUT_MS)
    expect(card.locator(".card-title")).to_have_text("Huyện Ba Vì")
    context.close()
    late_context.close()
    assert errors == [], errors
    log = server_log(module_panel_server, base)
    assert "Traceback" not in log, log
    assert "database cannot be reached" in log and "database reachable again" in log


def test_a_locked_database_gives_a_banner_and_no_freeze(private_server, browser, module_panel_server):
    base, database = private_server()
    errors: list[str] = []
    context, pages = open_pages(browser, base, [MAP_PATH, "/?page=overview", "/?page=data"], errors)
    locker = subprocess.Popen([sys.executable, "-c", EXCLUSIVE_LOCK, str(database), str(LOCK_SECONDS)],
                              stdout=subprocess.PIPE, text=True)
    timings: list[float] = []
    stop = threading.Event()

    def probe_liveness() -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                urllib.request.urlopen(f"{base}/liveness", timeout=10).read()
            finally:
                timings.append(time.monotonic() - started)
            stop.wait(0.25)

    try:
        assert locker.stdout.readline().strip() == "locked"
        locked_at = time.monotonic()
        prober = threading.Thread(target=probe_liveness, daemon=True)
        prober.start()
        for page in pages:
            expect(page.locator(".database-banner")).to_be_visible(timeout=BANNER_TIMEOUT_MS)
        expect(pages[0].locator(".district-card .card-title")).to_have_text("Huyện Ba Vì")
        locker.wait(timeout=LOCK_SECONDS + 10)
        held = time.monotonic() - locked_at
        stop.set()
        prober.join(15)
    finally:
        stop.set()
        locker.kill()
        locker.wait()
    assert held >= LOCK_SECONDS - 1
    assert len(timings) >= LOCK_SECONDS * 2, timings
    assert max(timings) < LIVENESS_LIMIT_S, timings
    for page in pages:
        expect(page.locator(".database-banner")).to_be_hidden(timeout=BANNER_TIMEOUT_MS)
    context.close()
    assert errors == [], errors
    assert "Traceback" not in server_log(module_panel_server, base)


def test_a_forking_server_ends_with_all_its_processes(private_server, module_panel_server):
    base, _database = private_server("--num-procs", "2")
    assert len(module_panel_server.members(base)) >= 3  # the parent and its two workers
    module_panel_server.stop(base)
    assert module_panel_server.members(base) == []
