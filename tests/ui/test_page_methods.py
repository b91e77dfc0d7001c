"""The data and methods page as a user meets it: `panel serve app.py` (seeded data) in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.catalogue import load_catalogue
from dashboard.i18n import STRINGS

from . import visible_text

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
METHODS_VI = sorted(
    texts["vi"]
    for key, texts in STRINGS.items()
    if key.startswith("methods_") and texts["vi"] != texts["en"] and len(texts["vi"]) > 8
)


@pytest.fixture
def open_page(open_app):
    """Open a path at a size once the document is idle."""

    def _open(path: str, viewport: dict = DESKTOP):
        return open_app(path, viewport["width"], viewport["height"], plots=False)

    return _open


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def test_choosing_another_indicator_shows_its_metadata(open_page):
    catalogue = load_catalogue()
    page = open_page("/?page=methods")
    default = catalogue.get("women_district_council_pct")
    definition = page.locator(".methods-field-definition")
    expect(definition).to_have_text(default.definition["vi"])
    expect(page.locator(".methods-table")).to_contain_text("Tổng")
    expect(page.locator(".methods-figures")).to_contain_text("hanoimoi.vn")
    expect(page.locator(".methods-geodata")).to_contain_text("CC BY 3.0 IGO")

    leader = catalogue.get("key_leader_female")
    page.locator(".methods-selector select").select_option(label=leader.short_name["vi"])
    expect(definition).to_have_text(leader.definition["vi"])
    expect(page.locator(".methods-field-targets")).to_contain_text("Nghị quyết 28/NQ-CP")
    page.wait_for_function("() => window.location.search.includes('indicator=key_leader_female')")
    shoot(page, "methods-1920.png")


def test_english_deep_link_on_a_phone(open_page):
    catalogue = load_catalogue()
    officers = catalogue.get("communes_with_officer_pct")
    page = open_page(f"/?page=methods&indicator={officers.id}&lang=en", viewport=PHONE)
    expect(page.locator(".methods-selector select")).to_have_value(officers.short_name["en"])
    expect(page.locator(".methods-field-definition")).to_have_text(officers.definition["en"])
    expect(page.locator(".methods-heading")).to_have_text("Data and methods")
    expect(page.locator(".methods-flags")).to_contain_text("provisional")

    text = visible_text(page)
    assert "Responsible agency" in text and "Real figures and their sources" in text
    leftovers = [words for words in METHODS_VI if words in text]
    assert leftovers == [], f"Vietnamese methods text on the English page: {leftovers}"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width} px)"
    shoot(page, "methods-390.png")
