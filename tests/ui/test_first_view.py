"""The map page's first view in Chromium: the map and ranking on screen before any script has run,
then the live page in their place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from . import query_string, wait_for_app, wait_until

LOAD_TIMEOUT_MS = 90_000
# Panel's script, the last of the page's head: held back, nothing of BokehJS's page can run.
LAST_SCRIPT = re.compile(r"panel\.min\.js")
PICTURES_PAINTED = """() => {
  const pictures = [...document.querySelectorAll('#first-view img')];
  return pictures.length === 2 && pictures.every((img) => img.complete && img.naturalWidth > 0
    && img.getBoundingClientRect().width > 100);
}"""
NO_DOCUMENT_YET = "() => !(window.Bokeh && Bokeh.documents && Bokeh.documents.length)"


@pytest.fixture
def held_scripts(page) -> list:
    """Requests for the page's last script, held until the test lets them go."""
    held: list = []
    page.route(LAST_SCRIPT, lambda route: held.append(route))
    return held


def wait_held(page, held: list, timeout_s: float = 30) -> None:
    """Until the page has asked for its held script (not Panel's `wait_until`, which waits for the
    page's load event, which a held script never lets come)."""
    for _ in range(int(timeout_s * 10)):
        if held:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page never asked for its last script")


@pytest.mark.parametrize(("width", "path"), [
    (1400, "/?page=map"),
    (390, "/?page=map"),
    (1400, "/?page=map&indicator=committee_established&year=2026"),  # the 126 communes and wards
])
def test_the_map_is_on_screen_before_the_scripts_run_and_the_live_map_then_takes_its_place(
        page, served_app_url, held_scripts, console_errors, offsite_requests, width, path):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(served_app_url + path, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
    picture = page.locator("#first-view")
    page.wait_for_function(PICTURES_PAINTED, timeout=LOAD_TIMEOUT_MS)
    wait_held(page, held_scripts)
    assert page.evaluate(NO_DOCUMENT_YET), "the picture must not wait for BokehJS"
    expect(picture).to_contain_text("minh họa")
    expect(picture).to_contain_text("Đang tải bản đồ tương tác")

    for route in held_scripts:
        route.continue_()
    wait_for_app(page)  # the live map's polygons and the ranking are drawn
    expect(picture).to_have_count(0)
    assert offsite_requests == [], offsite_requests
    assert console_errors == [], console_errors


def test_the_picture_gives_way_at_once_when_the_page_shown_is_no_longer_the_map(
        page, served_app_url, held_scripts, console_errors):
    page.goto(served_app_url + "/?page=map", wait_until="commit", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(PICTURES_PAINTED, timeout=LOAD_TIMEOUT_MS)
    wait_held(page, held_scripts)
    # What the navigation does to the address, before the live map was ever drawn.
    page.evaluate("() => history.replaceState(null, '', location.pathname + '?page=overview')")
    expect(page.locator("#first-view")).to_have_count(0, timeout=2_000)
    assert page.evaluate(NO_DOCUMENT_YET)
    for route in held_scripts:
        route.continue_()
    wait_for_app(page, plots=False)
    wait_until(lambda: "page=overview" in query_string(page), page, timeout=10_000)
    assert console_errors == [], console_errors
