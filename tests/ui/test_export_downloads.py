"""Downloads in the served app: made off the event loop, so other requests keep being answered."""

from __future__ import annotations

import statistics
import threading
import time
import urllib.request

from . import wait_for_app

# Seconds. /liveness does no work at all: on a busy 2-core machine it still answers in
# well under this while an export runs in its thread. A deck made on the event loop held
# every request for the whole export (4.7 s measured on a quiet machine).
SLOWEST_ANSWER_S = 1.5
TYPICAL_ANSWER_S = 0.5


def _probe(url: str, stop: threading.Event, latencies: list[float]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
        latencies.append(time.monotonic() - started)
        stop.wait(0.05)


def test_a_deck_download_does_not_hold_up_other_requests(page, panel_server, seeded_db_url,
                                                          console_errors, offsite_requests):
    # A server of its own: its caches are empty, so the deck is really built.
    url = panel_server(env={"DASHBOARD_DB_URL": seeded_db_url}, timeout=120)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{url}/?page=map&indicator=trainees&year=2023", timeout=120_000)
    wait_for_app(page, timeout=120)
    button = page.locator("a.export-deck")
    button.wait_for()

    latencies: list[float] = []
    stop = threading.Event()
    probe = threading.Thread(target=_probe, args=(f"{url}/liveness", stop, latencies), daemon=True)
    started = time.monotonic()
    try:
        with page.expect_download(timeout=240_000) as download:
            button.click()
            probe.start()
        took = time.monotonic() - started
    finally:
        stop.set()
        if probe.is_alive():
            probe.join(timeout=60)

    assert download.value.suggested_filename == "hanoi_gender_2023_deck_vi.pptx"
    with open(download.value.path(), "rb") as file:
        assert file.read(2) == b"PK"
    # The export took long enough that a blocked loop would have shown.
    assert took > 2 * SLOWEST_ANSWER_S, f"deck made in {took:.1f} s: too fast to tell"
    assert len(latencies) >= 5, latencies
    assert max(latencies) < SLOWEST_ANSWER_S, f"slowest answer {max(latencies):.2f} s of {latencies}"
    assert statistics.median(latencies) < TYPICAL_ANSWER_S, latencies
    # The session itself stayed usable: its page still answers an interaction.
    page.locator("a.export-map").wait_for()
    assert offsite_requests == []
    assert console_errors == []


def test_overview_button_downloads_its_offline_copy(open_app):
    page = open_app("/?page=overview&year=2024", plots=False)
    button = page.locator("a.export-html")
    button.wait_for()
    with page.expect_download(timeout=180_000) as download:
        button.click()
    assert download.value.suggested_filename == "overview_2024_vi.html"
    with open(download.value.path(), encoding="utf-8") as file:
        document = file.read()
    assert document.startswith("<!DOCTYPE html>")
    assert "<title>Tổng quan" in document


def test_a_download_asks_for_what_the_address_shows_when_it_is_followed(open_app):
    """A change drawn in the browser reaches the address before the server rewrites the links."""
    page = open_app("/?page=map&indicator=women_district_council_pct&year=2016")
    link = page.locator("a.export-map")
    assert "year=2016" in link.get_attribute("href")
    # What a period drawn in the browser does to the address, with nothing sent to the server.
    page.evaluate("history.replaceState(history.state, '', '?page=map&indicator=women_district_council_pct"
                  "&year=2011&lang=en')")
    with page.expect_download(timeout=120_000) as download:
        link.click()
    assert download.value.suggested_filename == "women_district_council_pct_2011_map_en.png"
    with open(download.value.path(), "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"
