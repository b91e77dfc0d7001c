"""The district profile: ranks, targets, changes and gaps, on the seeded data and on tiny data."""

from __future__ import annotations

import math

import holoviews as hv
import pandas as pd
import panel as pn
import pytest
from bokeh.document import Document
from panel.io.state import set_curdoc

from dashboard.catalogue import load_catalogue
from dashboard.data import CITY_MAP_ID, DashboardData
from dashboard.geo import DISTRICT_MAP_ID
from dashboard.model.cells import district_cells, district_indicators
from dashboard.model.display import trend_frame
from dashboard.pages import district as page
from dashboard.state import new_state
from dashboard.views.profile_chart import chart_columns
from dashboard.views.trend import chart_key_html, trend_element

# Options on HoloViews elements need a plotting backend; the served app loads the same one.
hv.extension("bokeh", logo=False)

BA_VI = "271"
PERCENT = "communes_with_officer_pct"  # district-scope target of 100%
COUNT = "gender_officers"


# ------------------------------------------------------------------------- tiny data

TINY_DISTRICTS = pd.DataFrame(
    {
        "code": ["001", "002", "003"],
        "name_vi": ["Ba Đình", "Hoàn Kiếm", "Tây Hồ"],
        "name_en": ["Ba Dinh", "Hoan Kiem", "Tay Ho"],
        "full_name_vi": ["Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Tây Hồ"],
        "unit_type": ["quận", "quận", "quận"],
        "unit_type_en": ["urban district"] * 3,
        "communes_2020": [14, 18, 8],
        "population_2019": [221893, 141687, 160495],
    }
)


def observation(
    code: str,
    period: int,
    indicator: str,
    value: float,
    numerator: float | None = None,
    denominator: float | None = None,
    map_id: str = DISTRICT_MAP_ID,
    status: str = "illustrative",
) -> dict:
    return {
        "map_id": map_id,
        "unit_code": code,
        "period": period,
        "indicator_id": indicator,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "status": status,
        "source": "test",
        "updated_at": pd.Timestamp("2025-01-01", tz="UTC"),
    }


@pytest.fixture
def tiny_data() -> DashboardData:
    """Three districts; 003 skips 2017, 002 reports nothing in 2018."""
    rows = [
        observation("001", 2016, PERCENT, 50.0, 5, 10),
        observation("002", 2016, PERCENT, 60.0, 6, 10),
        observation("003", 2016, PERCENT, 70.0, 7, 10),
        observation("001", 2017, PERCENT, 80.0, 8, 10),
        observation("002", 2017, PERCENT, 90.0, 9, 10),
        observation("001", 2018, PERCENT, 100.0, 10, 10),
        observation("003", 2018, PERCENT, 40.0, 4, 10),
        observation("001", 2017, "committee_established", 1.0),
        observation("002", 2017, "committee_established", 0.0),
        observation("001", 2017, COUNT, 3.0),
        observation("002", 2017, COUNT, 5.0),
        observation(
            "01",
            2017,
            "women_city_council_pct",
            25.0,
            25,
            100,
            map_id=CITY_MAP_ID,
            status="official",
        ),
    ]
    return DashboardData(load_catalogue(), TINY_DISTRICTS, pd.DataFrame(rows))


def row_of(table: pd.DataFrame, indicator_id: str) -> pd.Series:
    return table.set_index("indicator_id").loc[indicator_id]


# ------------------------------------------------------------------------- seeded data


def test_every_rank_of_ba_vi_lies_between_1_and_the_districts_reporting(dashboard_data):
    table = page.profile_table(dashboard_data, BA_VI, "vi")
    ranked = table[table["rank"].notna()]
    assert len(ranked) >= 8
    for row in ranked.itertuples():
        assert 1 <= row.rank <= row.reporting <= 30, row.indicator_id


def test_the_best_district_ranks_first(dashboard_data):
    cells = district_cells(dashboard_data, PERCENT)
    latest = max(cells)
    values = cells[latest]["value"]
    best = values.idxmax()
    assert row_of(page.profile_table(dashboard_data, best, "vi"), PERCENT)["rank"] == 1
    worst = values.idxmin()
    assert (
        row_of(page.profile_table(dashboard_data, worst, "vi"), PERCENT)["rank"]
        == values.rank(ascending=False, method="min")[worst]
    )


def test_profile_lists_every_district_indicator_the_district_reports(dashboard_data):
    table = page.profile_table(dashboard_data, BA_VI, "vi")
    expected = [i.id for i in district_indicators(dashboard_data)]
    assert table["indicator_id"].tolist() == expected
    assert "women_city_council_pct" not in expected  # a city-only indicator


def test_yes_no_indicators_read_co_khong_and_are_not_ranked(dashboard_data):
    row = row_of(page.profile_table(dashboard_data, BA_VI, "vi"), "key_leader_female")
    assert row["value_label"] in ("Có", "Không")
    assert row["rank"] is None and row["rank_label"] == "không xếp hạng (chỉ tiêu có/không)"
    # Its targets are city-wide shares of districts: never judged per district.
    assert row["met"] is None
    assert "toàn thành phố" in row["target_label"] and "quận, huyện, thị xã có" in row["target_label"]


def test_status_is_judged_only_against_a_district_target(dashboard_data):
    table = page.profile_table(dashboard_data, BA_VI, "vi")
    percent = row_of(table, PERCENT)
    assert percent["target_scope"] == "district"
    assert percent["met"] == (percent["value"] >= 100)
    assert percent["met_label"] == ("đạt" if percent["met"] else "chưa đạt")
    assert row_of(table, COUNT)["met_label"] == "—"
    assert row_of(table, COUNT)["target_label"] == "không có mục tiêu định lượng"


def test_a_single_period_has_no_change(dashboard_data):
    row = row_of(page.profile_table(dashboard_data, BA_VI, "vi"), "population_total")
    assert row["previous_period"] is None and row["change"] is None
    assert row["change_label"] == "chưa có kỳ trước"
    assert row["status_label"] == "chính thức"


def test_an_urban_district_shows_its_last_commune_council_term(dashboard_data):
    # The wards of an urban district elected no council for 2021-2026 (Resolution 97/2019/QH14).
    table = page.profile_table(dashboard_data, "001", "vi")
    row = row_of(table, "women_commune_council_pct")
    assert (row["period"], row["latest_period"]) == (2016, 2021)
    html = page.indicator_block_html(
        row, dashboard_data.indicator("women_commune_council_pct"), "001", "vi"
    )
    assert "Kỳ 2021–2026: không tổ chức HĐND ở cấp này" in html and "Không có số liệu" not in html


def test_numbers_follow_each_languages_conventions(dashboard_data):
    vi = row_of(page.profile_table(dashboard_data, BA_VI, "vi"), "population_total")
    en = row_of(page.profile_table(dashboard_data, BA_VI, "en"), "population_total")
    assert vi["value"] == en["value"] > 1000
    assert "." in vi["value_label"] and "," not in vi["value_label"]
    assert "," in en["value_label"] and "." not in en["value_label"]
    assert en["status_label"] == "official"


def test_profile_of_no_district_is_empty_with_the_same_columns(dashboard_data):
    table = page.profile_table(dashboard_data, "", "vi")
    assert table.empty and list(table.columns) == page.PROFILE_COLUMNS
    assert not page.shows_illustrative(table)


def test_seeded_profile_is_flagged_illustrative(dashboard_data):
    assert page.shows_illustrative(page.profile_table(dashboard_data, BA_VI, "vi"))


# --------------------------------------------------------------------------- tiny data


def test_change_is_measured_against_the_previous_period(tiny_data):
    row = row_of(page.profile_table(tiny_data, "001", "vi"), PERCENT)
    assert (row["period"], row["previous_period"]) == (2018, 2017)
    assert row["change"] == pytest.approx(20.0)
    assert row["change_label"] == "+20,0 điểm % (so với 2017)"
    assert page.change_direction(row["change"], "higher_is_better") == "better"


def test_change_is_none_when_the_previous_period_is_missing(tiny_data):
    row = row_of(page.profile_table(tiny_data, "003", "en"), PERCENT)
    assert (row["period"], row["previous_period"]) == (2018, 2017)
    assert row["previous_value"] is None and row["change"] is None
    assert row["change_label"] == "no data for the previous period (vs 2017)"


def test_ranks_count_only_districts_reporting(tiny_data):
    table = page.profile_table(tiny_data, "003", "vi")
    row = row_of(table, PERCENT)
    # 2018: 001 has 100, 003 has 40, 002 did not report.
    assert (row["rank"], row["reporting"]) == (2, 2)
    assert row["rank_label"] == "2 trên 2 quận, huyện, thị xã có số liệu (1 = tốt nhất)"


def test_a_district_missing_the_latest_period_keeps_its_last_value(tiny_data):
    row = row_of(page.profile_table(tiny_data, "002", "vi"), PERCENT)
    assert (row["period"], row["latest_period"], row["value"]) == (2017, 2018, 90.0)
    assert row["change"] == pytest.approx(30.0)


def test_missing_periods_are_gaps_labelled_no_data_never_zero(tiny_data):
    frame = trend_frame(tiny_data, tiny_data.indicator(PERCENT), "003", "vi")
    assert frame["period"].tolist() == [2016, 2017, 2018]
    assert math.isnan(frame.loc[1, "district"])
    assert frame.loc[1, "district_label"] == "chưa có số liệu"
    assert 0 not in frame["district"].tolist()[1:2]
    assert frame["target"].tolist() == [100.0, 100.0, 100.0]
    # The 2017 city value is the ratio of sums of the districts that reported.
    assert frame.loc[1, "city"] == pytest.approx(100 * 17 / 20)


def test_counts_compare_with_the_average_district(tiny_data):
    frame = trend_frame(tiny_data, tiny_data.indicator(COUNT), "001", "vi")
    assert frame.loc[0, "city"] == pytest.approx(4.0)
    row = row_of(page.profile_table(tiny_data, "001", "vi"), COUNT)
    assert row["city_label"] == "8; trung bình mỗi quận, huyện, thị xã 4,0 · minh họa"
    assert row["change_label"] == "chưa có kỳ trước"


@pytest.mark.parametrize("indicator_id", [PERCENT, COUNT, "committee_established"])
def test_trend_element_is_an_overlay_for_every_kind(tiny_data, indicator_id):
    indicator = tiny_data.indicator(indicator_id)
    frame = trend_frame(tiny_data, indicator, "001", "vi")
    element = trend_element(frame, indicator, "Quận Ba Đình", "vi")
    assert isinstance(element, hv.Overlay)
    curves = [layer for layer in element if isinstance(layer, hv.Curve)]
    assert curves and all(len(curve) == len(frame) for curve in curves)


def test_chart_key_names_the_lines(tiny_data):
    key = chart_key_html(tiny_data.indicator(PERCENT), "Quận Tây Hồ", "vi")
    assert "Quận Tây Hồ" in key and "Toàn thành phố" in key and "Mục tiêu" in key
    key = chart_key_html(tiny_data.indicator(COUNT), "Tây Hồ (urban district)", "en")
    assert "District average" in key and "Target" not in key


# ------------------------------------------------------------------------------- helpers


def test_district_options_start_with_a_prompt_in_vietnamese_order(dashboard_data):
    options = page.district_options(dashboard_data.districts, "vi")
    assert list(options.values())[0] == "" and len(options) == 31
    labels = list(options)[1:]
    assert labels[:3] == ["Ba Đình (quận)", "Ba Vì (huyện)", "Bắc Từ Liêm (quận)"]
    # Đ comes after D in the Vietnamese alphabet.
    assert labels.index("Đan Phượng (huyện)") > labels.index("Chương Mỹ (huyện)")
    assert "Ba Vì (rural district)" in page.district_options(dashboard_data.districts, "en")


def test_heading_names_the_district_with_census_facts(dashboard_data):
    assert "Huyện Ba Vì" in page.heading_html(dashboard_data.districts, BA_VI, "vi")
    english = page.heading_html(dashboard_data.districts, BA_VI, "en")
    assert "Ba Vì (rural district)" in english and "Population 2019" in english
    assert "Huyện" not in page.heading_html(dashboard_data.districts, "", "vi")


# ------------------------------------------------------------------------------- viewer


def test_chooser_and_state_follow_each_other(dashboard_data):
    state = new_state(dashboard_data, page="district")
    view = page.DistrictPage(state=state, data=dashboard_data)
    assert view._chooser.value == "" and view._profile.table.empty
    view._chooser.value = BA_VI
    assert state.district == BA_VI
    assert row_of(view._profile.table, PERCENT)["value"] > 0
    state.district = "001"
    assert view._chooser.value == "001" and view._profile.code == "001"
    state.lang = "en"
    assert "Ba Vì (rural district)" in view._chooser.options


def test_profile_waits_while_another_page_is_shown(dashboard_data):
    state = new_state(dashboard_data, page="district", district=BA_VI)
    profile = page.DistrictProfile(state=state, data=dashboard_data)
    state.page = "map"
    state.district = "001"
    assert profile.code == BA_VI
    state.page = "district"
    assert profile.code == "001"


def test_profile_follows_newly_imported_figures(tiny_data):
    state = new_state(tiny_data, page="district", district="001")
    profile = page.DistrictProfile(state=state, data=tiny_data)
    assert row_of(profile.table, PERCENT)["value"] == 100.0
    observations = tiny_data.observations.copy()
    observations.loc[
        (observations["unit_code"] == "001")
        & (observations["period"] == 2018)
        & (observations["indicator_id"] == PERCENT),
        ["value", "numerator"],
    ] = [70.0, 7]
    tiny_data.replace_observations(observations, tiny_data.version + 1)
    state.data_version = tiny_data.version
    row = row_of(profile.table, PERCENT)
    assert row["value"] == 70.0 and row["change"] == pytest.approx(-10.0)


# ------------------------------------------------------------------------ served charts


def test_served_chart_draws_the_trend_frame_columns_with_gaps_kept(tiny_data):
    indicator = tiny_data.indicator(PERCENT)
    frame = trend_frame(tiny_data, indicator, "003", "vi")
    columns = chart_columns(frame, "Quận Tây Hồ")
    assert columns["period"] == [2016.0, 2017.0, 2018.0]
    assert math.isnan(columns["district"][1]) and columns["district_label"][1] == "chưa có số liệu"
    assert columns["target"] == [100.0, 100.0, 100.0]
    assert columns["series"] == ["Quận Tây Hồ"] * 3


def test_switching_district_changes_the_chart_data_but_no_bokeh_model(dashboard_data):
    state = new_state(dashboard_data, page="district", district=BA_VI)
    view = page.DistrictPage(state=state, data=dashboard_data)
    doc = Document()
    with set_curdoc(doc):
        doc.add_root(pn.panel(view).get_root(doc))
    block = next(b for b in view._blocks if b.indicator.id == PERCENT)
    plot, source = block.chart.figure, block.chart.source
    before_data = dict(source.data)
    before_models = {model.id for model in doc.models}
    assert before_data["series"][0] == "Huyện Ba Vì"

    with set_curdoc(doc):
        state.district = "001"
    assert block.chart.figure is plot and block.chart.source is source
    assert source.data["series"][0] == "Quận Ba Đình"
    assert source.data["district"] != before_data["district"]
    expected = trend_frame(dashboard_data, dashboard_data.indicator(PERCENT), "001", "vi")
    assert source.data["district_label"] == expected["district_label"].tolist()
    assert {model.id for model in doc.models} == before_models


def test_served_page_sends_the_facts_first_and_its_charts_after(dashboard_data):
    state = new_state(dashboard_data, page="district", district=BA_VI)
    view = page.DistrictPage(state=state, data=dashboard_data, defer_charts=True)
    assert all(block.chart is None for block in view._blocks)
    view.build_charts()
    # Every block has its chart, also one Ba Vì does not show: a later unit only feeds it data.
    assert all(block.chart is not None for block in view._blocks)
    block = next(b for b in view._blocks if b.indicator.id == COUNT)
    assert block.chart.source.data["series"][0] == "Huyện Ba Vì"


def test_the_first_unit_chosen_and_a_unit_of_the_other_map_only_feed_data(dashboard_data):
    # Opened with no unit, as from the navigation: every chart is made with the page, so the
    # first choice, and a commune or ward after a district, send data and no Bokeh model.
    state = new_state(dashboard_data, page="district")
    view = page.DistrictPage(state=state, data=dashboard_data)
    doc = Document()
    with set_curdoc(doc):
        doc.add_root(pn.panel(view).get_root(doc))
    models = {model.id for model in doc.models}
    assert all(block.chart is not None and not block.shown for block in view._blocks)

    with set_curdoc(doc):
        state.district = BA_VI
    assert {model.id for model in doc.models} == models
    shown = [block for block in view._blocks if block.shown]
    assert len(shown) == len(view._profile.table) > 0
    assert all(block.chart.source.data["series"][0] == "Huyện Ba Vì" for block in shown)

    with set_curdoc(doc):
        state.district = "00004"  # Phường Ba Đình, on the 126-unit map
    assert {model.id for model in doc.models} == models
    shown = [block for block in view._blocks if block.shown]
    assert len(shown) == len(view._profile.table) > 0
    assert all(block.chart.source.data["series"][0] == "Phường Ba Đình" for block in shown)


def test_a_unit_warmed_after_load_is_drawn_from_the_cache(dashboard_data):
    state = new_state(dashboard_data, page="district")
    view = page.DistrictPage(state=state, data=dashboard_data)
    view.warm_caches()
    view.warm_unit("016")
    hits = page.cached_chart_data.cache_info().hits
    state.district = "016"
    assert page.cached_chart_data.cache_info().hits >= hits + len(view._profile.table) > hits


def test_the_caches_are_warmed_in_the_warming_thread_not_the_caller(dashboard_data, monkeypatch):
    import threading

    state = new_state(dashboard_data, page="district")
    view = page.DistrictPage(state=state, data=dashboard_data)
    threads = []
    monkeypatch.setattr(view, "warm_unit", lambda code: threads.append((code, threading.current_thread().name)))
    view.warm_off_loop(["016", "271"])
    page._warmer.submit(lambda: None).result(timeout=60)  # one worker: the warming is done
    assert [code for code, _ in threads] == ["016", "271"]
    assert all(name.startswith("profile-warmer") for _, name in threads)
