"""`python -m dashboard export html --page P` for every page that shows figures.

Each page is exported once for the module, through the command line, against the seeded
database; the tests read the files back. The browser test (tests/ui/test_snapshot_html.py)
opens some of them from disk with the network cut.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from dashboard.__main__ import main
from dashboard.export.pages import PAGES
from dashboard.geo import BOUNDARY_ATTRIBUTION
from dashboard.i18n import t, t_map
from dashboard.maps import MAPS

# Arguments beyond --page; pages left out here use their defaults.
ARGUMENTS = {
    "district": ["--district", "271"],
    "leadership": ["--indicator", "key_leader_female", "--period", "2024"],
    "methods": ["--indicator", "trainees"],
    "overview": ["--period", "2024"],
}
# What each page must show, beyond the shared checks.
EXPECTED = {
    "overview": ["Ban VSTBPN được kiện toàn", "Năm theo dõi</b>: 2024", "kpi-card"],
    "map": ["Nữ đại biểu HĐND cấp huyện", "Nhiệm kỳ 2021–2026"],
    "committees": ["Bộ máy"],
    "leadership": ["Ứng cử và trúng cử theo nhiệm kỳ", "Số liệu thật", "UBND có lãnh đạo chủ chốt nữ"],
    "capacity": ["Số người được tập huấn theo giới tính"],
    "health": ["2015–2019"],
    "district": ["Huyện Ba Vì", "Dân số 2019", "profile-facts"],
    "methods": ["Chọn chỉ tiêu</b>: Người được tập huấn", "methods-metadata", BOUNDARY_ATTRIBUTION["vi"]],
}
# Bokeh plots each copy must hold at least: map and ranking on indicator pages, a trend
# chart per indicator on the district profile.
PLOTS = {"overview": 0, "methods": 0, "district": 10, "leadership": 4, "capacity": 3}
EXPLORER_PAGES = ("map", "committees", "leadership", "capacity", "health")


@pytest.fixture(scope="module")
def exported(seeded_db_url, tmp_path_factory) -> dict[str, tuple[int, str, str]]:
    """page -> (exit code, file text, printed output), each made by the command line."""
    import os

    previous = os.environ.get("DASHBOARD_DB_URL")
    os.environ["DASHBOARD_DB_URL"] = seeded_db_url
    directory = tmp_path_factory.mktemp("pages")
    results = {}
    try:
        for page in PAGES:
            out = directory / f"{page}.html"
            code = main(["export", "html", "--page", page, *ARGUMENTS.get(page, []), "--out", str(out)])
            results[page] = (code, out.read_text(encoding="utf-8") if out.exists() else "", str(out))
    finally:
        if previous is None:
            os.environ.pop("DASHBOARD_DB_URL")
        else:
            os.environ["DASHBOARD_DB_URL"] = previous
    return results


def document_json(document: str) -> dict:
    (docs_json,) = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', document, re.S)
    # Bokeh escapes the JSON for HTML inside its script element.
    return json.loads(html.unescape(docs_json))


def document_text(document: str) -> str:
    """The Bokeh document's JSON (Div texts, data, tooltips) with its escapes decoded."""
    return json.dumps(document_json(document), ensure_ascii=False)


def plot_count(document: str) -> int:
    return len(re.findall(r'"name": "(?:Figure|Plot)"', document_text(document)))


def test_the_command_line_offers_every_page():
    from dashboard.export.cli import HTML_PAGES

    assert HTML_PAGES == PAGES


@pytest.mark.parametrize("slug", PAGES)
def test_page_is_one_offline_file(exported, slug):
    code, document, _path = exported[slug]
    assert code == 0
    assert document.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in document
    # Every script and style is in the file; nothing is fetched from anywhere.
    assert not re.search(r"<script[^>]*\bsrc=", document)
    assert not re.search(r"<link[^>]*\bhref=", document)
    assert not re.search(r"@import\s+url", document)
    text = document_text(document)
    # No image, script or style in the page's own HTML points to another host.
    assert not re.search(r"""(src|href)=\\?["']?(https?:)?//""", text)
    assert "url(http" not in text


@pytest.mark.parametrize("slug", PAGES)
def test_page_shows_its_figures_sources_and_the_illustrative_label(exported, slug):
    _code, document, _path = exported[slug]
    text = document_text(document)
    for expected in EXPECTED[slug]:
        assert expected in text, expected
    assert f"{t('source', 'vi')}: " in text
    assert "xuất ngày" in text  # the copy says it is fixed at export time
    if slug == "methods":
        # The methods page explains the statuses rather than showing district figures.
        assert t("status_illustrative", "vi") in text
    else:
        # The seeded unit figures are illustrative: the copy says so in words, those of the map shown.
        assert any(t_map("illustrative_notice", "vi", map_id) in text for map_id in MAPS)
    assert plot_count(document) >= PLOTS.get(slug, 2)
    # Nothing that needs a server is copied: no buttons, no selectors.
    for widget in ("Button", "Select", "FileDownload"):
        assert f'"name": "{widget}"' not in text


@pytest.mark.parametrize("slug", EXPLORER_PAGES)
def test_indicator_pages_keep_the_linked_map_and_ranking(exported, slug):
    text = document_text(exported[slug][1])
    assert "cb_obj.indices" in text  # the CustomJS that links map, chart and card
    # The attribution of the map drawn: a page opens on its latest period, which may be on either map.
    assert any(m.attribution["vi"] in text for m in MAPS.values())


def test_period_inside_a_term_is_said(use_seeded_db, tmp_path, capsys):
    out = tmp_path / "leadership.html"
    argv = ["export", "html", "--page", "leadership", "--indicator", "women_district_council_pct",
            "--period", "2019", "--lang", "en", "--out", str(out)]
    assert main(argv) == 0
    assert "period shown: 2016" in capsys.readouterr().out
    document = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in document
    text = document_text(document)
    assert "Women in leadership" in text
    assert "2016–2021 term" in text or "term 2016–2021" in text.lower()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--page", "district"], ["--district", "quận, huyện", "district code"]),
        (["--page", "health", "--indicator", "trainees"], ["trainees", "health", "screening_coverage_pct"]),
    ],
)
def test_a_page_that_cannot_be_made_is_refused_in_both_languages(use_seeded_db, tmp_path, capsys, argv, words):
    out = tmp_path / "x.html"
    assert main(["export", "html", *argv, "--out", str(out)]) == 2
    error = capsys.readouterr().err
    for word in words:
        assert word in error
    assert not out.exists()
