"""The profile of a commune or ward on the 126-unit map, opened from a link, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.maps import COMMUNE_MAP

from . import wait_for_app
from .test_page_district import _CHART_SERIES, _PLOTS_DRAWN, DESKTOP, PHONE, RENDER_TIMEOUT_MS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Phường Ba Đình: its communes came from the old Ba Đình, Hoàn Kiếm and Tây Hồ.
BA_DINH_WARD = "00004"
# Units with figures for the test, so that the rank counts more than one.
UNITS = ("00004", "00008", "00025", "00031")


def unit_rows() -> pd.DataFrame:
    """Illustrative figures of a few units: gender officers in 2025 and 2026, and the 2026 term."""
    rows = []
    for number, code in enumerate(UNITS):
        for year, officers in ((2025, 2 + number), (2026, 3 + number)):
            rows.append({"map_id": COMMUNE_MAP.id, "unit_code": code, "period": year,
                         "indicator_id": "gender_officers", "value": float(officers), "numerator": None,
                         "denominator": None, "status": "illustrative", "source": "test"})
        seats = 25 + number
        women = 8 + number
        rows.append({"map_id": COMMUNE_MAP.id, "unit_code": code, "period": 2026,
                     "indicator_id": "women_commune_council_pct", "value": 100.0 * women / seats,
                     "numerator": float(women), "denominator": float(seats), "status": "illustrative",
                     "source": "test"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def units_db_url(tmp_path_factory) -> str:
    """The seeded database, with figures on the 126-unit map added when the seed has none for the ward."""
    from dashboard import store
    from dashboard.seed import seed_database

    url = f"sqlite:///{tmp_path_factory.mktemp('units-db') / 'dashboard.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    try:
        seeded = store.read_observations(engine)
        ward = (seeded["map_id"] == COMMUNE_MAP.id) & (seeded["unit_code"] == BA_DINH_WARD)
        if not ward.any():
            store.rebuild(engine, [("seed", seeded[store.OBSERVATION_COLUMNS]), ("units", unit_rows())],
                          user_name="test")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="module")
def served_units(module_panel_server, units_db_url) -> str:
    return module_panel_server(env={"DASHBOARD_DB_URL": units_db_url}, timeout=90)


def open_unit(page, base: str, path: str, viewport: dict, plots: int = 1):
    page.set_viewport_size(viewport)
    page.goto(base + path, timeout=RENDER_TIMEOUT_MS)
    wait_for_app(page, timeout=RENDER_TIMEOUT_MS / 1000, plots=False)
    page.wait_for_function(_PLOTS_DRAWN, arg=plots, timeout=RENDER_TIMEOUT_MS)
    return page


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def test_a_unit_link_shows_its_name_its_predecessors_and_a_chart(page, served_units, console_errors, offsite_requests):
    open_unit(page, served_units, f"/?page=district&unit={BA_DINH_WARD}", DESKTOP)
    heading = page.locator(".profile-heading")
    expect(heading).to_contain_text("Phường Ba Đình", timeout=RENDER_TIMEOUT_MS)
    expect(heading).to_contain_text("Hồ sơ xã, phường")
    context = page.locator(".profile-context")
    expect(context).to_contain_text("Trước 01/07/2025 thuộc")
    for district in ("Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Tây Hồ"):
        expect(context).to_contain_text(district)
    expect(page.locator(".profile-chooser select")).to_have_value("Ba Đình (phường)")
    council = page.locator(".profile-facts-block").filter(has_text="2026–2031")
    expect(council.first).to_contain_text("xã, phường có số liệu")
    assert "Phường Ba Đình" in page.evaluate(_CHART_SERIES)
    page.wait_for_function(f"() => window.location.search.includes('unit={BA_DINH_WARD}')")
    shoot(page, "unit-profile-1920.png")
    assert console_errors == [] and offsite_requests == []


def test_the_unit_profile_reads_in_english_on_a_phone(page, served_units, console_errors, offsite_requests):
    open_unit(page, served_units, f"/?page=district&unit={BA_DINH_WARD}&lang=en", PHONE)
    expect(page.locator(".profile-heading")).to_contain_text("Ba Đình (ward)", timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(".profile-context")).to_contain_text("Before 1 July 2025 part of")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width} px)"
    shoot(page, "unit-profile-390.png")
    assert console_errors == [] and offsite_requests == []
