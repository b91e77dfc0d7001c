"""The offline snapshot opened from disk in Chromium, with every network request refused."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.export import common
from dashboard.export.snapshot import snapshot_html

DISTRICT_WORDS = ("Quận ", "Huyện ", "Thị xã ")

# Data sources of the map and the ranking: the ones with a `code` column.
SELECTIONS_JS = """
() => {
  const doc = Bokeh.documents[0];
  const out = [];
  for (const model of doc.all_models) {
    const data = model.data;
    if (data === undefined || data === null) continue;
    const code = data instanceof Map ? data.get("code") : data.code;
    if (code === undefined || model.selected === undefined) continue;
    out.push(Array.from(model.selected.indices, (i) => code[i]));
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def snapshot_file(dashboard_data, tmp_path_factory):
    snapshot = common.snapshot_for(dashboard_data, "trainees", 2024, "vi", district="271")
    path = tmp_path_factory.mktemp("snapshot") / "snapshot.html"
    path.write_text(snapshot_html(snapshot, today=dt.date(2026, 6, 5)), encoding="utf-8")
    return path


@pytest.fixture
def offline_page(page, console_errors, snapshot_file):
    """The snapshot loaded from file:// with all other requests aborted; returns the requests."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def only_files(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_files)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(snapshot_file.as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
    page.wait_for_function("() => document.querySelectorAll('*').length > 0")
    return page, requests


def _plot_canvases(page):
    page.wait_for_function("() => Object.values(Bokeh.index).length > 0", timeout=20_000)
    page.locator("canvas").first.wait_for()
    boxes = []
    for canvas in page.locator("canvas").all():
        box = canvas.bounding_box()
        if box and box["height"] > 200:
            boxes.append(box)
    return boxes


def test_plots_render_offline_without_errors_or_requests(
    offline_page, console_errors, snapshot_file
):
    page, requests = offline_page
    boxes = _plot_canvases(page)
    assert len(boxes) >= 2  # the map and the ranking
    assert page.evaluate("() => Bokeh.documents.length") == 1
    # The district chosen at export is selected on both plots and shown in the card.
    page.locator(".district-card .card-title").get_by_text("Huyện Ba Vì").wait_for()
    assert page.evaluate(SELECTIONS_JS) == [["271"], ["271"]]
    assert requests == [snapshot_file.as_uri()]
    assert console_errors == []


def test_hover_and_tap_work_without_a_server(offline_page, console_errors):
    page, requests = offline_page
    map_box = _plot_canvases(page)[0]
    x, y = map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2
    page.mouse.move(x, y)
    tooltip = page.locator(".bk-tooltip-content").first
    tooltip.wait_for(state="visible")
    hovered = tooltip.inner_text()
    assert any(word in hovered for word in DISTRICT_WORDS)
    assert "_label" not in hovered  # the formatted value, not the raw number

    page.mouse.click(x, y)
    page.wait_for_function(
        f"() => ({SELECTIONS_JS})().every(s => s.length === 1 && s[0] !== '271')"
    )
    map_codes, chart_codes = page.evaluate(SELECTIONS_JS)
    assert map_codes == chart_codes  # tapping the map selected the same district's bar
    assert page.locator(".district-card .card-title").first.inner_text() in hovered
    assert console_errors == []
    assert all(url.startswith("file://") for url in requests)


# ------------------------------------------------------------- copies of other pages

# Each page copied as its button and the command line copy it; opened from disk offline.
PAGE_COPIES = {
    "overview": {"period": 2024},
    "district": {"district": "271"},
}


@pytest.fixture(scope="module")
def page_files(dashboard_data, tmp_path_factory) -> dict:
    from dashboard.export.pages import page_html

    directory = tmp_path_factory.mktemp("pages")
    files = {}
    for page, options in PAGE_COPIES.items():
        copy = page_html(dashboard_data, page, today=dt.date(2026, 6, 5), **options)
        files[page] = directory / f"{page}.html"
        files[page].write_text(copy.html, encoding="utf-8")
    return files


def _open_offline(page, path):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
               else route.abort())
    page.set_viewport_size({"width": 1300, "height": 1000})
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=30_000)
    page.wait_for_function("() => [...Bokeh.index.all_views()].length > 0", timeout=30_000)
    return requests


def test_overview_copy_opens_offline(page, console_errors, page_files):
    requests = _open_offline(page, page_files["overview"])
    cards = page.locator(".kpi-card")
    cards.first.wait_for()
    assert cards.count() == 5  # one per headline indicator
    assert "Ban VSTBPN được kiện toàn" in cards.first.inner_text()
    notice = page.locator(".notice").first
    assert notice.inner_text().startswith("⚠ Số liệu minh họa")
    assert notice.is_visible()
    assert "Năm theo dõi: 2024" in page.locator(".choice").first.inner_text()
    assert page.locator(".sources").inner_text().startswith("Nguồn: ")
    assert requests == [page_files["overview"].as_uri()]
    assert console_errors == []


def test_district_copy_opens_offline_with_its_trend_charts(page, console_errors, page_files):
    requests = _open_offline(page, page_files["district"])
    page.locator(".profile-heading").get_by_text("Huyện Ba Vì").wait_for()
    blocks = page.locator(".profile-facts-block")
    assert blocks.count() >= 10
    # A drawn trend chart for every indicator block: figures Bokeh has laid out with a size.
    drawn = (
        "() => [...Bokeh.index.all_views()].filter(v => ['Figure', 'Plot'].includes(v.model.type)"
        " && v.bbox && v.bbox.width > 100 && v.bbox.height > 100).length"
    )
    page.wait_for_function(f"() => ({drawn})() >= {blocks.count()}", timeout=30_000)
    page.locator("canvas").first.wait_for()
    assert page.locator(".notice").first.inner_text().startswith("⚠ Số liệu minh họa")
    assert "Huyện Ba Vì" in page.title() or "Hồ sơ" in page.title()
    assert requests == [page_files["district"].as_uri()]
    assert console_errors == []
