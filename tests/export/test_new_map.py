"""Exports of a 2026 period draw the 126 communes and wards and credit that map, not the districts'."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation

from dashboard.__main__ import main
from dashboard.data import DashboardData
from dashboard.export import common, images
from dashboard.export.deck import SHAPE_FOOTER, SHAPE_MAP, deck_bytes
from dashboard.export.images import render_figure, render_png
from dashboard.export.pages import page_html
from dashboard.export.snapshot import snapshot_html
from dashboard.i18n import t_map
from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP

# Drawn on the 126-unit map in 2026 (catalogue level commune, illustrative figures for 2025-2026).
INDICATOR = "committee_established"
PERIOD = 2026
TODAY = dt.date(2026, 6, 5)
COMMUNE_CREDIT = "vietnamese-provinces-database"
DISTRICT_CREDIT = "geoBoundaries"


@pytest.fixture(scope="module")
def new_map_data(dashboard_data):
    """The seeded data, with illustrative INDICATOR figures for 2025 and 2026 on the 126-unit map
    when the seed has none (every seventh unit left without a figure)."""
    if PERIOD in dashboard_data.unit_periods(INDICATOR, COMMUNE_MAP.id):
        return dashboard_data
    observations = dashboard_data.observations
    template = observations[(observations["indicator_id"] == INDICATOR)
                            & (observations["map_id"] == DISTRICT_MAP.id)].iloc[0].to_dict()
    rows = [
        {**template, "map_id": COMMUNE_MAP.id, "unit_code": code, "period": period,
         "value": float((index + period) % 4 != 0), "status": "illustrative"}
        for period in (2025, PERIOD)
        for index, code in enumerate(dashboard_data.units(COMMUNE_MAP.id)["code"])
        if index % 7 != 6
    ]
    return DashboardData(dashboard_data.catalogue, dashboard_data.districts,
                         pd.concat([observations, pd.DataFrame(rows)], ignore_index=True),
                         version=dashboard_data.version,
                         units={COMMUNE_MAP.id: dashboard_data.units(COMMUNE_MAP.id)})


@pytest.fixture(scope="module")
def snapshot(new_map_data):
    snapshot = common.snapshot_for(new_map_data, INDICATOR, PERIOD, "vi")
    assert snapshot.state.year == PERIOD and common.shown_map(snapshot).id == COMMUNE_MAP.id
    return snapshot


def _document_text(document: str) -> str:
    (docs_json,) = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', document, re.S)
    return json.dumps(json.loads(docs_json), ensure_ascii=False)


def test_the_snapshot_draws_the_126_units(snapshot):
    units = common.map_units(snapshot)
    assert len(units) == COMMUNE_MAP.unit_count == len(snapshot.display)
    assert list(units["code"]) == list(snapshot.display["code"])
    with common.bokeh_backend():
        element = images.view_element(snapshot, "map")
    assert len(set(element.dimension_values("code", expanded=False))) == COMMUNE_MAP.unit_count


def test_png_of_the_new_map_credits_it(snapshot):
    png = render_png(snapshot, "map")
    pixels = Image.open(io.BytesIO(png))
    assert pixels.size == (1920, 1080)
    figure = render_figure(snapshot, "map", 12.8, 7.2)
    texts = " ".join(text.get_text().replace("\n", " ") for text in figure.texts)
    images._close(figure)
    assert COMMUNE_CREDIT in texts and DISTRICT_CREDIT not in texts
    assert t_map("illustrative_notice", "vi", COMMUNE_MAP.id) in texts


def test_the_old_map_still_credits_geoboundaries(dashboard_data):
    snapshot = common.snapshot_for(dashboard_data, "trainees", 2024, "en")
    assert common.shown_map(snapshot).id == DISTRICT_MAP.id
    line = common.source_line(snapshot, with_boundaries=True)
    assert DISTRICT_CREDIT in line and COMMUNE_CREDIT not in line


def test_html_snapshot_of_the_new_map(snapshot):
    document = snapshot_html(snapshot, today=TODAY)
    text = _document_text(document)
    assert COMMUNE_CREDIT in text
    assert "Số liệu minh họa" in text
    assert "chạm vào một xã, phường" in text
    # Every unit has its card in the linked page.
    for name in ("Phường Hoàn Kiếm", "Xã Sóc Sơn"):
        assert name in text


def test_html_copy_of_the_map_page_for_2026(new_map_data, snapshot):
    copy = page_html(new_map_data, "map", indicator=INDICATOR, period=PERIOD, lang="en", today=TODAY)
    assert copy.period == PERIOD
    text = _document_text(copy.html)
    assert COMMUNE_CREDIT in text


def test_methods_copy_credits_both_maps(dashboard_data):
    copy = page_html(dashboard_data, "methods", indicator=INDICATOR, lang="vi", today=TODAY)
    text = _document_text(copy.html)
    assert COMMUNE_CREDIT in text and DISTRICT_CREDIT in text


def test_deck_for_2026_shows_the_new_map_and_credits_it(new_map_data, snapshot):
    deck = Presentation(io.BytesIO(deck_bytes(new_map_data, PERIOD, "vi", today=TODAY)))
    slides = list(deck.slides)
    footers = [shape.text_frame.text for slide in slides for shape in slide.shapes if shape.name == SHAPE_FOOTER]
    map_slides = [slide for slide in slides if any(shape.name == SHAPE_MAP for shape in slide.shapes)]
    assert map_slides
    assert any(COMMUNE_CREDIT in footer for footer in footers)
    sources = " ".join(shape.text_frame.text for shape in slides[-1].shapes if shape.has_text_frame)
    assert COMMUNE_CREDIT in sources


def test_cli_exports_a_2026_png_and_a_unit_selected_html(use_seeded_db, dashboard_data, tmp_path, capsys):
    snapshot = common.snapshot_for(dashboard_data, INDICATOR, PERIOD, "vi")
    if snapshot.state.year != PERIOD:
        pytest.skip(f"{INDICATOR} has no {PERIOD} figures in this database")
    out = tmp_path / "map.png"
    argv = ["export", "png", "--indicator", INDICATOR, "--period", str(PERIOD), "--view", "map", "--out", str(out)]
    assert main(argv) == 0
    assert Image.open(io.BytesIO(out.read_bytes())).size == (1920, 1080)
    code = common.map_units(snapshot)["code"].iloc[0]
    page = tmp_path / "map.html"
    argv = ["export", "html", "--page", "map", "--indicator", INDICATOR, "--period", str(PERIOD),
            "--district", code, "--out", str(page)]
    assert main(argv) == 0
    assert COMMUNE_CREDIT in page.read_text(encoding="utf-8")


def test_cli_refuses_an_unknown_unit_code(use_seeded_db, tmp_path, capsys):
    argv = ["export", "html", "--page", "map", "--district", "99999", "--out", str(tmp_path / "x.html")]
    assert main(argv) == 2
    assert "99999" in capsys.readouterr().err
