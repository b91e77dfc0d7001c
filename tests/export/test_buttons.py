"""The download buttons: created once, named after what they hold, computed when pressed."""

from __future__ import annotations

import asyncio
import base64
import html
import io
import re
import threading
from urllib.parse import parse_qsl

import panel as pn
import pytest
from PIL import Image

from dashboard.export import common, images
from dashboard.export.images import PNG_SIZE
from dashboard.export.pages import PAGES
from dashboard.server import DOWNLOAD_ROUTE
from dashboard.state import new_state
from dashboard.views.export_buttons import ExportButtons, request_from_query


@pytest.fixture
def buttons(dashboard_data) -> ExportButtons:
    snapshot = common.snapshot_for(dashboard_data, "women_district_council_pct", 2016, "vi")
    return ExportButtons(snapshot=snapshot)


def test_four_file_downloads_with_names_that_say_what_they_hold(buttons):
    downloads = buttons.downloads
    assert all(isinstance(widget, pn.widgets.FileDownload) for widget in downloads.values())
    assert {key: widget.filename for key, widget in downloads.items()} == {
        "map": "women_district_council_pct_2016_map_vi.png",
        "chart": "women_district_council_pct_2016_chart_vi.png",
        "deck": "hanoi_gender_2016_deck_vi.pptx",
        "html": "women_district_council_pct_2016_vi.html",
    }
    assert downloads["deck"].label == "Bài trình chiếu (PPTX)"
    assert not any(widget.embed for widget in downloads.values())  # computed on click


def test_names_and_labels_follow_the_state_without_new_widgets(buttons):
    before = dict(buttons.downloads)
    buttons.snapshot.state.param.update(indicator="key_leader_female", year=2024, lang="en")
    assert buttons.downloads == before
    assert buttons.downloads["map"].filename == "key_leader_female_2024_map_en.png"
    assert buttons.downloads["deck"].filename == "hanoi_gender_2024_deck_en.pptx"
    assert buttons.downloads["chart"].label == "Chart image (PNG)"


def test_callbacks_return_the_files(buttons):
    assert asyncio.run(buttons.file("map")).getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    assert asyncio.run(buttons.file("chart")).getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    assert asyncio.run(buttons.file("html")).getvalue().startswith(b"<!DOCTYPE html>")
    # The deck of the period the deck tests build too.
    buttons.snapshot.state.year = 2024
    assert asyncio.run(buttons.file("deck")).getvalue().startswith(b"PK")  # a zip: the .pptx container


def test_files_are_made_in_an_export_thread(buttons, monkeypatch):
    """The server's event loop only waits: the file itself is made on another thread."""
    threads = []

    def render_png(snapshot, view):
        threads.append(threading.current_thread())
        return b"\x89PNG fake"

    monkeypatch.setattr(images, "render_png", render_png)
    assert asyncio.run(buttons.file("map")).getvalue() == b"\x89PNG fake"
    assert threads and threads[0] is not threading.main_thread()
    assert threads[0].name.startswith("export")


def test_buttons_render_in_a_document_and_a_press_sends_the_file(buttons):
    from bokeh.document import Document

    document = Document()
    document.add_root(pn.panel(buttons).get_root(document))
    models = {model.filename: model for model in document.models if hasattr(model, "_transfers")}
    assert set(models) == {widget.filename for widget in buttons.downloads.values()}
    chart = models["women_district_council_pct_2016_chart_vi.png"]
    assert chart.label == "Ảnh biểu đồ (PNG)"
    assert not chart.data  # nothing is made before a press

    buttons.downloads["chart"]._clicks += 1  # what a press in the browser sends
    assert chart.data.startswith("data:image/png;base64,")
    png = base64.b64decode(chart.data.split(",", 1)[1])
    assert Image.open(io.BytesIO(png)).size == PNG_SIZE
    # Changing the state renames the file in the same document model.
    buttons.snapshot.state.lang = "en"
    assert chart.filename == "women_district_council_pct_2016_chart_en.png"
    assert chart.label == "Chart image (PNG)"


@pytest.mark.parametrize(
    ("slug", "district", "files"),
    [
        ("overview", "", {"deck": "hanoi_gender_2016_deck_vi.pptx", "html": "overview_2016_vi.html"}),
        ("district", "271", {"html": "district_271_vi.html"}),
        ("methods", "", {"html": "methods_women_district_council_pct_vi.html"}),
    ],
)
def test_pages_without_an_explorer_offer_their_copy(dashboard_data, slug, district, files):
    state = new_state(dashboard_data, page=slug, district=district)
    buttons = ExportButtons(state=state, data=dashboard_data)
    assert {key: widget.filename for key, widget in buttons.downloads.items()} == files
    assert not buttons.downloads["html"].disabled


def test_a_district_profile_copy_waits_for_a_district(dashboard_data):
    state = new_state(dashboard_data, page="district")
    buttons = ExportButtons(state=state, data=dashboard_data)
    assert buttons.downloads["html"].disabled
    state.district = "271"
    assert not buttons.downloads["html"].disabled
    assert buttons.downloads["html"].filename == "district_271_vi.html"


def test_every_page_that_shows_figures_has_its_buttons(dashboard_data):
    """Each page of export.pages.PAGES, as the app builds it, carries an HTML download."""
    from dashboard.shell import DashboardApp

    app = DashboardApp(new_state(dashboard_data), dashboard_data)
    for page in PAGES:
        app.state.page = page
        found = [button for button in app._page_views[page].select(pn.widgets.FileDownload)
                 if "export-html" in button.css_classes]
        assert len(found) == 1, page


def links(buttons: ExportButtons) -> dict[str, dict[str, str]]:
    """The served buttons' links by kind: their attributes and label, as the page holds them."""
    found = re.findall(r'<(a|span) class="export-button export-(\w+)( disabled)?"([^>]*)>([^<]+)</\1>',
                       buttons.__panel__().object)
    return {kind: {"tag": tag, "disabled": bool(disabled), "label": html.unescape(label),
                   **{name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', attributes)}}
            for tag, kind, disabled, attributes, label in found}


def test_served_buttons_are_links_to_the_download_route_with_the_state_in_their_query(dashboard_data):
    snapshot = common.snapshot_for(dashboard_data, "women_district_council_pct", 2016, "vi")
    snapshot.state.district = "271"
    buttons = ExportButtons(snapshot=snapshot, as_links=True)
    assert isinstance(buttons.__panel__(), pn.pane.HTML) and buttons.downloads == {}
    found = links(buttons)
    assert list(found) == ["map", "chart", "deck", "html"]
    assert found["deck"]["label"] == "Bài trình chiếu (PPTX)"
    for kind, link in found.items():
        assert link["tag"] == "a" and "download" in buttons.__panel__().object
        assert link["data-route"] == f"{DOWNLOAD_ROUTE}/{kind}"
        route, _, query = link["href"].partition("?")
        assert route == link["data-route"]
        # The link asks for what the buttons would make.
        assert request_from_query(dashboard_data, kind, dict(parse_qsl(query))) == buttons.request()
    snapshot.state.param.update(lang="en", year=2021)
    found = links(buttons)
    assert found["chart"]["label"] == "Chart image (PNG)" and "year=2021" in found["chart"]["href"]


def test_a_served_district_copy_waits_for_a_district(dashboard_data):
    state = new_state(dashboard_data, page="district")
    buttons = ExportButtons(state=state, data=dashboard_data, as_links=True)
    waiting = links(buttons)["html"]
    assert (waiting["tag"], waiting["disabled"], waiting["aria-disabled"]) == ("span", True, "true")
    state.district = "271"
    assert links(buttons)["html"]["tag"] == "a"


def test_a_download_query_is_read_as_the_page_reads_it(dashboard_data):
    request = request_from_query(dashboard_data, "map", {"page": "committees", "indicator": "committee_established",
                                                         "year": "2019", "lang": "en", "gap": "true"})
    assert (request.page, request.indicator, request.year, request.lang, request.gap) == (
        "committees", "committee_established", 2019, "en", True)
    # A year inside a term is the term the page shows.
    assert request_from_query(dashboard_data, "chart", {"page": "map", "indicator": "women_district_council_pct",
                                                        "year": "2018"}).year == 2016
    assert request_from_query(dashboard_data, "map", {"page": "overview"}) is None
    assert request_from_query(dashboard_data, "deck", {"page": "overview"}).page == "overview"
    # Other pages show the year itself.
    assert request_from_query(dashboard_data, "html", {"page": "overview", "year": "2024"}).year == 2024
