"""The app shell: one navigation model, only the visible page built, and pages kept once seen."""

from __future__ import annotations

import logging
import re
import time

import panel as pn
import pytest
from bokeh.core.validation import silenced
from bokeh.core.validation.warnings import EMPTY_LAYOUT
from bokeh.document import Document
from panel.io.state import set_curdoc

from dashboard.pages import registered_pages
from dashboard.shell import DashboardApp
from dashboard.state import new_state


def is_shown(view) -> bool:
    """Pages kept in the document are hidden by their style."""
    return view.visible and (view.styles or {}).get("display") != "none"


def served_app(data, **state) -> tuple[DashboardApp, Document]:
    app = DashboardApp(new_state(data, **state), data)
    document = Document()
    with set_curdoc(document):
        document.add_root(pn.panel(app.__panel__()).get_root(document))
    return app, document


def settled_app(data, **state) -> Document:
    """A served app's document once what its page loads in the background (the data page's import
    history) is in: the same page then always gives the same document."""
    _app, document = served_app(data, **state)
    deadline = time.monotonic() + 30
    while any("pn-loading" in getattr(model, "css_classes", ()) for model in document.models):
        assert time.monotonic() < deadline, f"{state} still loading"
        time.sleep(0.05)
    return document


def test_only_the_page_shown_is_built(dashboard_data):
    app, _document = served_app(dashboard_data, page="overview")
    assert set(app._page_views) == {"overview"}


def test_the_navigation_is_one_model_that_moves_the_page_and_the_language(dashboard_data):
    app, document = served_app(dashboard_data, page="overview")
    navs = [model for model in document.models if "nav-bar" in getattr(model, "css_classes", [])]
    assert len(navs) == 1
    assert [slug for slug, _title in app._nav.items][:2] == ["overview", "map"]
    with set_curdoc(document):
        app._nav.page = "methods"  # a press on a page button in the browser
    assert app.state.page == "methods" and app._nav.page == "methods"
    with set_curdoc(document):
        app._nav.language_presses += 1  # a press on the language switch
    assert app.state.lang == "en"
    assert app._nav.language_label == "Tiếng Việt"
    assert dict(app._nav.items)["district"] == "District profile"


def test_a_page_seen_before_comes_back_without_new_models(dashboard_data):
    app, document = served_app(dashboard_data, page="overview")
    with set_curdoc(document):
        app.state.page = "methods"
    seen = {model.id for model in document.models}
    with set_curdoc(document):
        app.state.page = "overview"
        app.state.page = "methods"
    assert {model.id for model in document.models} == seen
    assert [view for view in app._content.objects if is_shown(view)] == [app._page_views["methods"]]
    assert not is_shown(app._page_views["overview"])


def test_one_explorer_page_is_kept_at_a_time(dashboard_data):
    app, document = served_app(dashboard_data, page="map")
    with set_curdoc(document):
        app.state.page = "overview"
    assert [is_shown(view) for view in app._content.objects] == [False, True]  # the map waits, hidden
    with set_curdoc(document):
        app.state.page = "committees"
    shown = app._page_views["committees"]
    assert app._content.objects == [app._page_views["overview"], shown]


@pytest.mark.parametrize("page", [record.slug for record in registered_pages()])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_passes_bokehs_document_checks(dashboard_data, caplog, page, lang):
    # Served sessions skip them (dashboard.server.skip_session_checks). Empty layouts are
    # meant: holders filled when their view is first asked for (the table, a unit's profile).
    _app, document = served_app(dashboard_data, page=page, lang=lang)
    with silenced(EMPTY_LAYOUT), caplog.at_level(logging.WARNING, logger="bokeh.core.validation"):
        document.validate()
    assert [message for message in (record.getMessage() for record in caplog.records)
            if not sized_by_its_frame(document, message)] == []


def sized_by_its_frame(document: Document, message: str) -> bool:
    """W-1005 asks a fixed plot for a width and a height, but a plot with a fixed frame (the
    transition page's map, drawn in the area's own proportions) takes its size from the frame."""
    found = re.search(r"W-1005 .*\(id='(p\d+)'", message)
    plot = document.get_model_by_id(found.group(1)) if found else None
    return plot is not None and plot.frame_width is not None and plot.frame_height is not None
