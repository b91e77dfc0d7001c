"""The app shell: one navigation model, only the visible page built, and pages kept once seen."""

from __future__ import annotations

import panel as pn
from bokeh.document import Document
from panel.io.state import set_curdoc

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
