"""Browser-test fixtures shared by every page: open the served app, then check it stayed offline."""

from __future__ import annotations

import pytest

from . import wait_for_app

# A fresh server on a busy CI machine can take a while to build a first session.
LOAD_TIMEOUT_S = 90


@pytest.fixture
def open_app(page, served_app_url, console_errors, offsite_requests):
    """Open a path of the served app at a size and wait until it is drawn.

    With `plots`, also wait for the map page's choropleth and ranking chart. At teardown,
    asserts that the page logged no console error and requested no other host.
    """

    def _open(path: str = "/?page=map", width: int = 1400, height: int = 1000, plots: bool = True):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(served_app_url + path, timeout=LOAD_TIMEOUT_S * 1000)
        wait_for_app(page, timeout=LOAD_TIMEOUT_S, plots=plots)
        return page

    yield _open
    assert offsite_requests == [], f"requests to other hosts: {offsite_requests}"
    assert console_errors == [], f"browser console errors: {console_errors}"
