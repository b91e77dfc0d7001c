"""The offline HTML snapshot as a file: self-contained, labelled, with the district links inside.

The browser test (tests/ui/test_snapshot_html.py) opens it from disk with the network cut.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from dashboard.export import common
from dashboard.export.snapshot import snapshot_html
from dashboard.geo import BOUNDARY_ATTRIBUTION


@pytest.fixture(scope="module")
def document(dashboard_data) -> str:
    snapshot = common.snapshot_for(
        dashboard_data, "women_candidates_district_council_pct", 2021, "vi", district="271"
    )
    return snapshot_html(snapshot, today=dt.date(2026, 6, 5))


def _document_text(document: str) -> str:
    """The Bokeh document's JSON (Div texts, data, tooltips) with its escapes decoded."""
    (docs_json,) = re.findall(
        r'<script type="application/json"[^>]*>(.*?)</script>', document, re.S
    )
    return json.dumps(json.loads(docs_json), ensure_ascii=False)


def test_every_resource_is_inline(document):
    assert document.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]*\bsrc=", document)
    assert not re.search(r"<link[^>]*\bhref=", document)
    assert not re.search(r"@import\s+url", document)
    assert "Bokeh" in document  # the library itself is in the file


def test_page_says_what_it_shows(document):
    assert '<html lang="vi">' in document
    assert (
        "<title>Tỷ lệ nữ trong danh sách chính thức người ứng cử đại biểu HĐND cấp huyện"
        in document
    )
    document = _document_text(document)
    assert "Nhiệm kỳ 2021–2026" in document
    assert "Số liệu minh họa" in document
    assert "chưa có số liệu" in document  # legend's no-data entry
    assert BOUNDARY_ATTRIBUTION["vi"] in document
    assert "xuất ngày 05/06/2026" in document


def test_selected_district_and_links_are_embedded(document):
    document = _document_text(document)
    assert "Huyện Ba Vì" in document
    assert "cb_obj.indices" in document  # the CustomJS that links map, chart and card


def test_hover_labels_name_the_formatted_value(document):
    document = _document_text(document)
    # HoloViews would otherwise show the raw number followed by "_label".
    assert "@{value}_label" not in document
    assert "@{value_label}" in document


def test_english_snapshot(dashboard_data):
    snapshot = common.snapshot_for(dashboard_data, "trainees", 2024, "en")
    document = snapshot_html(snapshot, today=dt.date(2026, 6, 5))
    assert '<html lang="en">' in document
    document = _document_text(document)
    assert "People trained on gender and gender mainstreaming" in document
    assert "Offline copy exported on 5 June 2026" in document
