"""The leadership page's charts: status visible without a hover, targets only where they apply."""

from __future__ import annotations

import math

import pytest
from bokeh.models import HoverTool, Legend

from dashboard.pages import leadership

CANDIDATES = "Nữ ứng cử HĐND cấp huyện"
DISTRICT_DEPUTIES = "Nữ đại biểu HĐND cấp huyện"


@pytest.fixture(scope="module")
def terms(dashboard_data):
    return leadership.terms_frame(dashboard_data, "vi")


def test_the_35_percent_candidate_target_sits_on_candidate_bars_only(terms):
    with_target = terms.dropna(subset=["target"])
    candidates = with_target[with_target["target"] == 35]
    assert set(candidates["series"]) == {CANDIDATES}
    assert sorted(candidates["term"]) == ["2016–2021", "2021–2026"]
    # Elected deputies of 2016 are held to no target: none was set for them.
    deputies_2016 = terms[(terms["series"] == DISTRICT_DEPUTIES) & (terms["term"] == "2016–2021")]
    assert math.isnan(deputies_2016["target"].iloc[0])


def test_the_2021_deputies_carry_the_30_percent_aim_of_resolution_1187(terms):
    deputies_2021 = terms[(terms["series"] == DISTRICT_DEPUTIES) & (terms["term"] == "2021–2026")].iloc[0]
    assert deputies_2021["target"] == 30
    assert "1187/NQ-UBTVQH14" in deputies_2021["target_basis"]


def test_no_target_before_the_plan_term(terms):
    assert terms.loc[terms["term"] == "2011–2016", "target"].isna().all()


def test_illustrative_bars_are_hatched_and_official_bars_solid(terms):
    plot = leadership.terms_figure(terms, "vi")
    (bars,) = [r for r in plot.renderers if type(r.glyph).__name__ == "VBar" and len(r.data_source.data.get("x", []))]
    data = bars.data_source.data
    for status, hatch, alpha in zip(data["status"], data["hatch"], data["fill_alpha"]):
        if status == "illustrative":
            assert hatch == "/" and alpha < 0.5
        else:
            assert hatch == " " and alpha >= 0.6
    assert "official" in data["status"] and "illustrative" in data["status"]
    assert bars.glyph.hatch_pattern.field == "hatch"


def test_the_legend_names_the_illustrative_style_and_the_target(terms):
    plot = leadership.terms_figure(terms, "en")
    (legend,) = [item for item in plot.below if isinstance(item, Legend)]
    labels = [item.label["value"] if isinstance(item.label, dict) else item.label.value for item in legend.items]
    assert "illustrative" in labels and "target of the term" in labels


def test_target_marks_are_drawn_only_where_a_target_applies(terms):
    plot = leadership.terms_figure(terms, "vi")
    marks = [r for r in plot.renderers if type(r.glyph).__name__ == "Rect" and len(r.data_source.data.get("x", []))]
    (mark,) = marks
    assert len(mark.data_source.data["x"]) == terms["target"].notna().sum()


def test_hovers_speak_the_interface_language_with_its_number_format(dashboard_data, terms):
    plot = leadership.terms_figure(terms, "vi")
    (hover,) = [tool for tool in plot.tools if isinstance(tool, HoverTool)]
    labels = [label for label, _field in hover.tooltips]
    assert labels[:3] == ["Nhiệm kỳ", "Chỉ tiêu", "Giá trị"]
    assert not {"term", "series", "value", "status_label"} & set(labels)
    assert all("," in label or "%" in label for label in terms["value_label"])
    assert not any("." in label for label in terms["value_label"])


def test_real_figures_carry_the_target_of_their_own_term(dashboard_data):
    figures = leadership.real_figures_frame(dashboard_data, "en").set_index("label")
    assert figures.loc["Women city-council candidates 2021–2026", "target"] == 35
    assert figures.loc["Women city-council deputies 2021–2026", "target"] == 30
    # 2016 deputies and the National Assembly have no target; the 2026 list has no resolution here.
    for label in ["Women city-council deputies 2016–2021", "Women NA deputies, Việt Nam 2016–2021",
                  "Women city-council candidates 2026–2031"]:
        assert math.isnan(figures.loc[label, "target"])


def test_real_figures_chart_marks_targets_only_on_their_bars(dashboard_data):
    frame = leadership.real_figures_frame(dashboard_data, "vi")
    plot = leadership.real_figures_figure(frame, "vi")
    marks = [r for r in plot.renderers if type(r.glyph).__name__ == "Rect" and len(r.data_source.data.get("label", []))]
    (mark,) = marks
    assert sorted(mark.data_source.data["label"]) == sorted(frame.dropna(subset=["target"])["label"])
    table = leadership.real_figures_table_html(frame, "vi")
    assert "≥ 35%" in table and "~30%" in table
