"""Slide-ready PNGs: 1920×1080, not blank, with legend, no-data entry and notice, no browser."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from dashboard.export import common, images
from dashboard.export.images import NOTICE_FACE, PNG_SIZE, render_figure, render_png
from dashboard.model.classes import NO_DATA_COLOUR, YES_COLOUR

# (indicator, period, lang, view): a map with districts missing, a chart with a target line.
CASES = [
    ("women_commune_council_pct", 2021, "vi", "map"),
    ("women_commune_council_pct", 2021, "en", "map"),
    ("women_candidates_district_council_pct", 2016, "vi", "chart"),
    ("women_candidates_district_council_pct", 2016, "en", "chart"),
]


@pytest.fixture(scope="module")
def pngs(dashboard_data) -> dict[tuple, np.ndarray]:
    """Each case rendered once for the module, as an RGB array."""
    rendered = {}
    for indicator, period, lang, view in CASES:
        snapshot = common.snapshot_for(dashboard_data, indicator, period, lang)
        png = render_png(snapshot, view)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        rendered[(indicator, period, lang, view)] = np.asarray(
            Image.open(io.BytesIO(png)).convert("RGB")
        )
    return rendered


def _has_colour(pixels: np.ndarray, colour: str, minimum: int = 50) -> bool:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int(np.all(np.abs(pixels.astype(int) - rgb) <= 2, axis=-1).sum()) >= minimum


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[3]}-{case[2]}")
def test_png_is_full_hd_and_not_blank(pngs, case):
    pixels = pngs[case]
    assert pixels.shape == (PNG_SIZE[1], PNG_SIZE[0], 3)
    assert pixels.std() > 20
    # Plenty of non-white pixels: the plot, not just the texts, was drawn.
    assert (pixels.min(axis=-1) < 200).mean() > 0.05


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[3]}-{case[2]}")
def test_png_shows_the_no_data_entry_and_the_illustrative_notice(pngs, case):
    pixels = pngs[case]
    assert _has_colour(pixels, NO_DATA_COLOUR)  # legend swatch (and grey districts on the map)
    assert _has_colour(pixels, NOTICE_FACE, minimum=5000)  # the notice box behind its text


def test_map_does_not_paint_districts_without_council_as_missing(pngs):
    pixels = pngs[CASES[0]]
    # The twelve urban districts, whose wards elect no council from 2021, are no missing data:
    # they are drawn in the no-council colour, so grey is left to the legend swatch.
    grey = np.all(np.abs(pixels.astype(int) - np.array([0xD0, 0xD0, 0xD0])) <= 2, axis=-1).sum()
    assert grey < 5000


def test_single_colour_maps_keep_the_class_colour(dashboard_data):
    """Every district has a committee in 2024: all polygons must be the 'yes' colour."""
    snapshot = common.snapshot_for(dashboard_data, "committee_established", 2024, "vi")
    figure = render_figure(snapshot, "map", 6.4, 3.6)
    collection = figure.axes[0].collections[0]
    colours = {tuple(np.round(c[:3] * 255).astype(int)) for c in collection.get_facecolor()}
    assert colours == {tuple(int(YES_COLOUR[i : i + 2], 16) for i in (1, 3, 5))}
    images._close(figure)


def test_texts_are_in_the_requested_language(dashboard_data):
    snapshot = common.snapshot_for(
        dashboard_data, "women_candidates_district_council_pct", 2016, "vi"
    )
    figure = render_figure(snapshot, "chart", 12.8, 7.2)
    texts = [text.get_text() for text in figure.texts]
    legend = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    axes = figure.axes[0]
    value_axis, ticks = axes.get_xlabel(), [label.get_text() for label in axes.get_xticklabels()]
    images._close(figure)
    assert texts[0] == "Tỷ lệ nữ trong danh sách chính thức người ứng cử đại biểu HĐND cấp huyện"
    assert value_axis == "Nữ ứng cử HĐND cấp huyện (%)"  # the builder's label, on the value axis
    assert "10" in ticks and "40" in ticks
    assert texts[1].startswith("Nhiệm kỳ 2016–2021 · Đơn vị: % · Toàn thành phố:")
    assert any(text.startswith("Số liệu minh họa") for text in texts)
    assert any(text.startswith("Nguồn:") for text in texts)
    assert "chưa có số liệu" in legend
    assert "Mục tiêu 35% (2016)" in legend
    assert any(label.startswith("Toàn thành phố:") for label in legend)


def test_maps_carry_the_boundary_attribution(dashboard_data):
    snapshot = common.snapshot_for(dashboard_data, "trainees", 2024, "en")
    figure = render_figure(snapshot, "map", 12.8, 7.2)
    texts = " ".join(text.get_text().replace("\n", " ") for text in figure.texts)
    images._close(figure)
    assert "geoBoundaries" in texts and "CC BY 3.0 IGO" in texts
    assert "Unit: people" in texts


def test_a_period_without_district_figures_still_exports(dashboard_data):
    """A city-only indicator: grey map and a chart that says why it is empty, no error."""
    snapshot = common.snapshot_for(dashboard_data, "women_city_council_pct", 2021, "vi")
    for view in ("map", "chart"):
        figure = render_figure(snapshot, view, 6.4, 3.6)
        legend = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
        texts = [text.get_text() for axes in figure.axes for text in axes.texts]
        images._close(figure)
        assert legend == ["chưa có số liệu"]
        if view == "chart":
            assert texts == ["Chỉ tiêu này chưa có số liệu cấp huyện cho kỳ đã chọn."]
