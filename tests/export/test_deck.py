"""The meeting deck, read back with python-pptx: slides, titles, pictures, notes, notices."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from dashboard.export import deck as deck_module
from dashboard.export import images
from dashboard.export.deck import (
    FONT,
    SHAPE_BODY,
    SHAPE_CHART,
    SHAPE_FOOTER,
    SHAPE_KPI,
    SHAPE_MAP,
    SHAPE_NOTICE,
    deck_bytes,
)
from dashboard.geo import BOUNDARY_ATTRIBUTION
from dashboard.model.kpi import theme_kpis, value_text

PERIOD = 2024
TODAY = dt.date(2026, 6, 5)

TITLES_VI = [
    "Hà Nội: bình đẳng giới và vì sự tiến bộ của phụ nữ",
    "Bộ máy: Ban VSTBPN được kiện toàn (năm 2024)",
    "Năng lực và truyền thông: Người được tập huấn (năm 2024)",
    "Phụ nữ lãnh đạo: Nữ đại biểu HĐND cấp huyện (nhiệm kỳ 2021–2026)",
    "Phụ nữ lãnh đạo: UBND có lãnh đạo chủ chốt nữ (năm 2024)",
    "Sức khỏe: Độ bao phủ sàng lọc ung thư (năm 2019)",
    "Quận, huyện, thị xã chưa đạt mục tiêu",
    "Nguồn số liệu và phương pháp",
]


@pytest.fixture(scope="module")
def deck(dashboard_data):
    """The Vietnamese deck, built once and read back from its bytes."""
    content = deck_bytes(dashboard_data, PERIOD, "vi", today=TODAY)
    assert content[:2] == b"PK"
    return Presentation(io.BytesIO(content))


@pytest.fixture(scope="module")
def slides(deck) -> list:
    return list(deck.slides)


@pytest.fixture(scope="module")
def kpis(dashboard_data):
    return theme_kpis(dashboard_data, PERIOD)


def _shapes(slide, name: str) -> list:
    return [shape for shape in slide.shapes if shape.name == name]


def _text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


def _runs(deck):
    for slide in deck.slides:
        frames = [shape.text_frame for shape in slide.shapes if shape.has_text_frame]
        frames += [
            cell.text_frame
            for shape in slide.shapes
            if shape.has_table
            for row in shape.table.rows
            for cell in row.cells
        ]
        frames.append(slide.notes_slide.notes_text_frame)
        for frame in frames:
            for paragraph in frame.paragraphs:
                yield from paragraph.runs


def test_deck_is_16_by_9(deck):
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)


def test_slides_in_order_with_vietnamese_titles(deck, kpis):
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert len(titles) == 1 + len(kpis) + 2
    assert titles == TITLES_VI
    for title in titles:
        assert unicodedata.is_normalized("NFC", title)


def test_every_run_is_set_in_a_font_with_vietnamese_glyphs(deck):
    runs = list(_runs(deck))
    assert runs
    assert {run.font.name for run in runs} == {FONT}
    for run in runs:
        assert unicodedata.is_normalized("NFC", run.text)


def test_title_slide_has_date_and_data_status(slides):
    text = _text(slides[0])
    assert "Ngày lập: 05/06/2026" in text
    assert "Trạng thái số liệu: có số liệu minh họa" in text
    assert "Số liệu đến năm 2024" in text


def test_every_chart_slide_has_the_map_and_the_ranking_as_pictures(slides, kpis):
    for slide in slides[1 : 1 + len(kpis)]:
        pictures = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert sorted(picture.name for picture in pictures) == sorted([SHAPE_MAP, SHAPE_CHART])
        for picture in pictures:
            image = Image.open(io.BytesIO(picture.image.blob))
            assert image.format == "PNG"
            # Rendered at the size it is shown, at the deck's resolution.
            assert image.size[0] == round(picture.width / 914400 * deck_module.PICTURE_DPI)


def test_kpi_slides_summarise_the_kpi_and_its_target(slides, kpis):
    for slide, kpi in zip(slides[1:], kpis):
        (summary,) = _shapes(slide, SHAPE_KPI)
        text = summary.text_frame.text
        assert kpi.indicator.name["vi"] in text
        assert value_text(kpi, "vi") in text
        if kpi.target is not None:
            verdict = "đạt" if kpi.met else "chưa đạt"
            assert f"({kpi.target.year}): {verdict}" in text
        else:
            assert "không có mục tiêu định lượng" in text


def test_notes_give_the_key_numbers_in_words(slides, kpis):
    for slide in slides:
        notes = slide.notes_slide.notes_text_frame.text
        assert len(notes) > 40 and re.search(r"\d", notes)
    for slide, kpi in zip(slides[1:], kpis):
        notes = slide.notes_slide.notes_text_frame.text
        assert kpi.indicator.name["vi"] in notes
        assert value_text(kpi, "vi") in notes


def test_illustrative_notice_on_every_slide_with_illustrative_figures(slides, kpis):
    assert all(kpi.illustrative for kpi in kpis)  # district figures in the seed are illustrative
    for slide in slides[:-1]:
        (notice,) = _shapes(slide, SHAPE_NOTICE)
        assert notice.text_frame.text.startswith("Số liệu minh họa")
    # The sources slide explains illustrative data instead of flagging figures.
    assert "Số liệu minh họa" in _text(slides[-1])


def test_sources_on_every_slide(slides, kpis):
    for slide in slides:
        (footer,) = _shapes(slide, SHAPE_FOOTER)
        assert footer.text_frame.text.startswith("Nguồn: ")
    for slide, kpi in zip(slides[1:], kpis):
        footer = _shapes(slide, SHAPE_FOOTER)[0].text_frame.text
        assert kpi.indicator.source["vi"].rstrip(".") in footer
        assert BOUNDARY_ATTRIBUTION["vi"] in footer  # the slide shows a map
        assert "minh họa" in footer


def test_districts_behind_slide_lists_them(slides, dashboard_data, kpis):
    text = _text(slides[-2])
    leader = next(kpi for kpi in kpis if kpi.indicator.id == "key_leader_female")
    names = dict(zip(dashboard_data.districts["code"], dashboard_data.districts["full_name_vi"]))
    assert leader.behind_codes
    assert f"{leader.districts_behind}/{leader.districts_reporting}" in text
    for code in leader.behind_codes:
        assert names[code] in text
    # Indicators with a district target are listed too, not only the headline ones.
    assert "Xã có cán bộ bình đẳng giới" in text


def test_sources_and_methods_slide(slides, dashboard_data):
    text = _text(slides[-1])
    assert BOUNDARY_ATTRIBUTION["vi"] in text
    published = dashboard_data.observations.query("status != 'illustrative'")["source"].unique()
    for source in published:
        assert source in text
    for indicator in dashboard_data.catalogue:
        for target in indicator.targets:
            assert target.basis["vi"] in text
    assert "hạt giống cố định" in text


def test_map_section_explains_the_2025_reform(slides):
    (left,) = _shapes(slides[-1], f"{SHAPE_BODY} 1")
    paragraphs = [paragraph.text for paragraph in left.text_frame.paragraphs]
    maps = paragraphs.index("Bản đồ")
    reform = paragraphs[maps + 2]
    assert "30/6/2025" in reform and "126 xã, phường" in reform and "cấp huyện không còn" in reform


def test_sources_slide_columns_fit_above_the_footer(slides):
    """A rough fit check: 11-point lines of about 85 characters must fit the box height."""
    for shape in slides[-1].shapes:
        if shape.name.startswith(SHAPE_BODY):
            lines = sum(
                max(1, -(-len(paragraph.text) // 85)) for paragraph in shape.text_frame.paragraphs
            )
            height_pt = lines * 11 * 1.2 + len(shape.text_frame.paragraphs) * 4
            assert height_pt <= shape.height / 12700, shape.name


def test_english_deck(dashboard_data, monkeypatch):
    """Text only: the pictures are stubbed, their language is tested with the images."""
    blank = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(blank, format="PNG")
    monkeypatch.setattr(images, "render_png", lambda *args, **kwargs: blank.getvalue())
    english = list(
        Presentation(io.BytesIO(deck_bytes(dashboard_data, PERIOD, "en", today=TODAY))).slides
    )
    titles = [slide.shapes.title.text for slide in english]
    assert titles[0] == "Hà Nội: gender equality and the advancement of women"
    assert titles[1] == "Committees: Committee consolidated (2024)"
    assert titles[-2:] == ["Districts behind target", "Sources and methods"]
    assert "Prepared on 5 June 2026" in _text(english[0])
    assert _shapes(english[1], SHAPE_NOTICE)[0].text_frame.text.startswith("Illustrative data")
    assert _shapes(english[1], SHAPE_FOOTER)[0].text_frame.text.startswith("Source: ")
