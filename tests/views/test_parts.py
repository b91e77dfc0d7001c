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
