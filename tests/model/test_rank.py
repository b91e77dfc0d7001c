"""Rank: polarity, shared ties, no rank for yes/no and neutral indicators; card and profile agree."""

from __future__ import annotations

import html
import math
import re
from dataclasses import replace

import pandas as pd
import pytest

from dashboard.model.cells import district_cells, district_indicators
from dashboard.model.rank import district_rank, is_ranked, rank_among, rank_label, ranked
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.pages.district import indicator_facts
from dashboard.state import new_state
from dashboard.views.district_card import district_card_html

PERCENT = "women_district_council_pct"
CARD_RANK = re.compile(r'class="card-rank" data-rank="(\d*)"')


@pytest.fixture
def indicator(dashboard_data):
    return dashboard_data.indicator(PERCENT)


def test_rank_follows_polarity_and_shares_ties(indicator):
    values = pd.Series([10.0, 20.0, 20.0, math.nan, 5.0])
    lower = replace(indicator, polarity="lower_is_better")
    assert rank_among(values, 20.0, indicator) == 1
    assert rank_among(values, 10.0, indicator) == 3
    assert rank_among(values, 5.0, lower) == 1
    assert rank_among(values, 20.0, lower) == 3
    assert rank_among(values, math.nan, indicator) is None


def test_neutral_and_yes_no_indicators_have_no_rank(dashboard_data, indicator):
    values = pd.Series([10.0, 20.0])
    neutral = dashboard_data.indicator("population_total")
    yes_no = dashboard_data.indicator("committee_established")
    assert neutral.polarity == "neutral" and not is_ranked(neutral) and not is_ranked(yes_no)
    assert rank_among(values, 20.0, neutral) is None and rank_among(values, 1.0, yes_no) is None
    assert rank_label(None, 2, neutral, "en") == "not ranked (neither higher nor lower is better)"
    assert rank_label(None, 2, yes_no, "vi") == "không xếp hạng (chỉ tiêu có/không)"
    assert rank_label(2, 18, indicator, "vi") == "2 trên 18 quận, huyện, thị xã có số liệu (1 = tốt nhất)"


def test_the_chart_order_puts_the_best_on_top_and_ties_alphabetically(indicator):
    display = pd.DataFrame({
        "code": ["1", "2", "3", "4"], "name": ["Đông Anh", "Ba Vì", "Cầu Giấy", "Sơn Tây"],
        "value": [30.0, 30.0, 10.0, math.nan],
    })
    # HoloViews draws the first row lowest: read bottom-up, the best comes last.
    assert ranked(display, indicator)["name"].tolist() == ["Cầu Giấy", "Đông Anh", "Ba Vì"]
    lower = replace(indicator, polarity="lower_is_better")
    assert ranked(display, lower)["name"].tolist() == ["Đông Anh", "Ba Vì", "Cầu Giấy"]
    assert district_rank(display, "2", indicator) == district_rank(display, "1", indicator) == 1
    assert district_rank(display, "4", indicator) is None


def test_the_chart_order_is_a_stable_sort_by_value_then_reversed_name_on_the_real_units(dashboard_data, indicator):
    from dashboard.model.collation import vietnamese_sort_keys

    units = dashboard_data.units("hn_communes_2025")
    values = [math.nan if i % 7 == 0 else float(i % 5) for i in range(len(units))]  # many ties
    display = pd.DataFrame({"code": units["code"], "name": units["name_vi"], "value": values})
    for polarity in ("higher_is_better", "lower_is_better", "neutral"):
        rows = display.dropna(subset=["value"]).assign(_name=lambda f: vietnamese_sort_keys(f["name"]))
        expected = rows.sort_values(["value", "_name"], ascending=[polarity != "lower_is_better", False],
                                    kind="stable")
        assert ranked(display, replace(indicator, polarity=polarity))["code"].tolist() == expected["code"].tolist()


def test_the_map_card_and_the_district_profile_give_the_same_rank_everywhere(dashboard_data):
    """Every district, every district indicator, every period: one rank, in the same words."""
    state = new_state(dashboard_data, page="map")
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    compared = ranked_pairs = 0
    for indicator in district_indicators(dashboard_data):
        for period in district_cells(dashboard_data, indicator.id):
            state.param.update(indicator=indicator.id, year=period)
            assert state.year == period
            for code in dashboard_data.districts["code"]:
                card = district_card_html(snapshot.display, code, snapshot.indicator, state.year, "vi",
                                          snapshot.target)
                facts = indicator_facts(dashboard_data, indicator, code, period, "vi")
                shown = CARD_RANK.search(card)
                if facts is None:  # no figure: neither shows a rank
                    assert shown is None, (indicator.id, period, code)
                    continue
                card_rank = int(shown.group(1)) if shown.group(1) else None
                assert card_rank == facts["rank"] == snapshot.rank_of(code), (indicator.id, period, code)
                assert html.escape(facts["rank_label"]) in card, (indicator.id, period, code)
                # The verdict against the target agrees too.
                verdict = re.search(r'class="card-target (met|not-met|unjudged)"', card)
                if verdict is not None:
                    assert {"met": True, "not-met": False, "unjudged": None}[verdict.group(1)] == facts["met"]
                compared += 1
                ranked_pairs += card_rank is not None
    assert compared > 1000 and ranked_pairs > 500
