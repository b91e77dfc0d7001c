"""Layout pieces: the Bokeh pane of the dashboard's own parts builds what Panel's builds."""

from __future__ import annotations

import panel as pn
import pytest
from bokeh.plotting import figure

from dashboard.pages import registered_pages
from dashboard.views import parts
from tests.test_fast_defaults import comparable
from tests.test_shell_pages import settled_app


@pytest.mark.parametrize("page", ["map", "district", "leadership"])
def test_the_parts_pane_builds_the_document_panels_pane_builds(dashboard_data, monkeypatch, page):
    assert page in {record.slug for record in registered_pages()}
    ours = comparable(settled_app(dashboard_data, page=page, lang="en"))
    monkeypatch.setattr(parts.BokehPane, "_get_model", pn.pane.Bokeh._get_model)
    assert comparable(settled_app(dashboard_data, page=page, lang="en")) == ours


def test_a_bokeh_model_shown_anywhere_else_gets_panels_own_pane():
    assert type(pn.panel(figure())) is pn.pane.Bokeh
    assert type(parts.BokehPane(figure())) is parts.BokehPane


def test_consecutive_bokeh_parts_share_one_pane_and_panel_objects_stay_apart():
    from bokeh.models import Div

    button = pn.widgets.Button(name="x")
    laid_out = parts.panes(Div(text="a"), Div(text="b"), button, Div(text="c"))
    assert [type(item) for item in laid_out] == [parts.BokehPane, pn.widgets.Button, parts.BokehPane]
    assert [len(item.object.children) for item in laid_out if isinstance(item, parts.BokehPane)] == [2, 1]


def browser_code(document) -> list:
    """Every CustomJS of the document: on which model, on what, its code and what its arguments are."""
    found = []
    for model in document.models:
        triggers = [*model.js_property_callbacks.items(), *getattr(model, "js_event_callbacks", {}).items()]
        for trigger, callbacks in triggers:
            for callback in callbacks:
                # Panel also passes the model itself as `source`, which the code reads as `cb_obj`.
                args = {name: described(value) for name, value in callback.args.items() if name != "source"}
                found.append((type(model).__name__, trigger, callback.code, sorted(args.items())))
    return sorted(found, key=repr)


def described(value):
    """An argument of browser code, with each model named by its type."""
    from bokeh.model import Model

    if isinstance(value, Model):
        return type(value).__name__
    if isinstance(value, dict):
        return {key: described(item) for key, item in value.items()}
    if isinstance(value, list):
        return [described(item) for item in value]
    return value


@pytest.mark.parametrize("page", ["map", "district"])
def test_browser_code_is_attached_as_panels_links_attach_it_without_registering_a_link(
        dashboard_data, monkeypatch, page):
    from panel.links import Callback

    registered = {id(source) for source in Callback.registry}
    ours = browser_code(settled_app(dashboard_data, page=page, lang="en"))
    # No source of a Panel link: Panel then has none to look for among a new document's models.
    assert {id(source) for source in Callback.registry} == registered
    assert ours, "the page runs code in the browser"

    monkeypatch.setattr(parts.BrowserCallbacks, "on_change_js",
                        lambda widget, prop, code, args=None: widget.jscallback(**{prop: code}, args=args or {}))
    monkeypatch.setattr(parts.BrowserCallbacks, "on_event_js",
                        lambda widget, _event, code: widget.js_on_click(code=code))
    assert browser_code(settled_app(dashboard_data, page=page, lang="en")) == ours


def test_browser_code_reaches_its_arguments_in_each_document_the_widget_is_shown_in():
    from bokeh.document import Document

    period = parts.BrowserSelect(options=[2020, 2021])
    timeline = parts.BrowserIntSlider(start=0, end=1)
    timeline.on_change_js("value", "select.value = cb_obj.value", {"select": period, "step": 1})
    layout = pn.Row(period, timeline)
    roots = [layout.get_root(Document()) for _ in range(2)]
    for root in roots:
        slider = timeline._models[root.ref["id"]][0]
        (callback,) = slider.js_property_callbacks["change:value"]
        assert callback.args["select"] is period._models[root.ref["id"]][0]
        assert callback.args["step"] == 1
    assert roots[0].select_one({"type": type(slider)}) is not roots[1].select_one({"type": type(slider)})


def test_a_button_runs_its_browser_code_on_a_click():
    button = parts.BrowserButton(label="In")
    button.on_event_js("button_click", "window.print()")
    (callback,) = button.get_root().js_event_callbacks["button_click"]
    assert "window.print()" in callback.code


@pytest.mark.parametrize("text", ["<b>Ba Đình</b> & <i>2021</i>", "", "<script>alert(1)</script>"])
def test_a_text_pane_sends_a_new_text_as_panels_html_pane_would(text):
    from bokeh.document import Document

    def after_changes(pane_type):
        pane = pane_type("<p>first</p>", css_classes=["profile-info"], margin=(0, 8), sizing_mode="stretch_width")
        model = pane.get_root(Document())
        pane.object = text
        pane.styles = {"display": "none"}
        return {name: value for name, value in model.properties_with_values(include_defaults=False).items()
                if name not in ("id", "stylesheets")}, model

    ours, model = after_changes(parts.TextPane)
    assert ours == after_changes(pn.pane.HTML)[0]
    assert ours["styles"] == {"display": "none"} and "first" not in model.text
    assert type(pn.panel("<b>x</b>")) is not parts.TextPane
