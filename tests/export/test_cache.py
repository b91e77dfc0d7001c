"""Exported PNGs and decks follow the data version: after a live import, never the old file."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from PIL import Image
from pptx import Presentation

from dashboard.data import load_data, refresh_if_changed
from dashboard.export import common, images
from dashboard.export.deck import SHAPE_KPI, deck_bytes
from dashboard.i18n import format_value
from dashboard.importer import import_bytes

TODAY = dt.date(2026, 6, 5)
# Ba Vì reports far more trainees than any district: the ranking and the city total change.
MANY_TRAINEES = (
    "unit_code,period,indicator_id,value,numerator,denominator,source\n"
    "271,2024,trainees,99999,,,Báo cáo kiểm thử\n"
).encode("utf-8")


@pytest.fixture
def live(seeded_db_url, tmp_path):
    """A database of the test's own and the process-wide data loaded from it."""
    path = tmp_path / "live.sqlite"
    shutil.copyfile(seeded_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    return url, load_data(url)


def _import(url: str, data) -> None:
    """An import by another process, then the refresh every session's check performs."""
    result = import_bytes(MANY_TRAINEES, "ba_vi.csv", user="test", db_url=url)
    assert result.ok, [problem.message("en") for problem in result.problems]
    before = data.version
    assert refresh_if_changed(data, url)
    assert data.version != before


def _trainees_text(deck: bytes) -> str:
    slides = Presentation(io.BytesIO(deck)).slides
    texts = [
        shape.text_frame.text
        for slide in slides
        for shape in slide.shapes
        if shape.name == SHAPE_KPI and "tập huấn" in shape.text_frame.text
    ]
    assert len(texts) == 1
    return texts[0]


def test_png_after_an_import_shows_the_new_figures(live):
    url, data = live
    snapshot = common.snapshot_for(data, "trainees", 2024, "vi")
    before = images.render_png(snapshot, "chart")
    assert images.render_png(snapshot, "chart") == before  # cached, not drawn twice

    _import(url, data)
    # The open session takes the new figures in (what its periodic check does) ...
    snapshot.state.data_version = data.version
    assert snapshot.display.set_index("code").at["271", "value"] == 99999
    after = images.render_png(snapshot, "chart")
    assert after != before
    # ... and a snapshot made afresh, as the command line and the deck do, gets the same image.
    assert images.render_png(common.snapshot_for(data, "trainees", 2024, "vi"), "chart") == after
    old, new = (Image.open(io.BytesIO(png)).convert("RGB") for png in (before, after))
    assert old.size == new.size and old.tobytes() != new.tobytes()


def test_deck_after_an_import_shows_the_new_figures(live, monkeypatch):
    url, data = live
    # The pictures have their own test above; a blank one keeps this test fast.
    blank = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(blank, format="PNG")
    monkeypatch.setattr(images, "render_png", lambda *args, **kwargs: blank.getvalue())
    before = deck_bytes(data, 2024, "vi", today=TODAY)
    assert deck_bytes(data, 2024, "vi", today=TODAY) is before  # kept, not rebuilt
    city_before = data.city_value("trainees", 2024).value

    _import(url, data)
    after = deck_bytes(data, 2024, "vi", today=TODAY)
    assert after is not before
    city_after = data.city_value("trainees", 2024).value
    assert city_after > city_before
    text = _trainees_text(after)
    assert format_value(city_after, "count", "vi") in text
    assert format_value(city_before, "count", "vi") not in text
    assert format_value(city_before, "count", "vi") in _trainees_text(before)


def test_the_project_caches_are_emptied_between_tests(dashboard_data):
    """What tests/conftest.py clears after every test: every cache the project keeps."""
    import sys

    from dashboard.model import cells

    conftest = sys.modules["tests.conftest"] if "tests.conftest" in sys.modules else sys.modules["conftest"]
    cells.district_cells(dashboard_data, "trainees")
    images.render_png(common.snapshot_for(dashboard_data, "trainees", 2024, "vi"), "chart", size=(320, 180))
    functions, stores = conftest._project_caches()
    assert cells._district_cells in functions
    assert images._PNG_CACHE in stores
    assert cells._district_cells.cache_info().currsize and len(images._PNG_CACHE)

    conftest.clear_project_caches()
    assert all(function.cache_info().currsize == 0 for function in functions)
    assert all(len(store) == 0 for store in stores)
