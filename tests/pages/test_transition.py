"""The map-transition page: every successor listed, figures carried across the maps marked approximate."""

from __future__ import annotations

import dataclasses
import io
import math

import holoviews as hv
import pandas as pd
import pytest

from dashboard import geo
from dashboard.catalogue import load_catalogue
from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP
from dashboard.pages import registered_pages
from dashboard.pages import transition as page
from dashboard.state import new_state

hv.extension("bokeh", logo=False)

DISTRICTS = geo.read_district_list().rename(columns={"gso_code": "code"})
DISTRICTS["full_name_vi"] = DISTRICTS["unit_type"].map(geo.UNIT_TYPE_LABELS) + " " + DISTRICTS["name_vi"]
DISTRICTS["unit_type_en"] = DISTRICTS["unit_type"].map(geo.UNIT_TYPES_EN)


def district_row(code: str) -> dict:
    return DISTRICTS.set_index("code").loc[code].to_dict() | {"code": code}


def unit_table(codes, values=None, numerators=None, denominators=None, status="illustrative") -> pd.DataFrame:
    """A tiny stand-in for data.district_table: code, value, n, N, status."""
    codes = list(codes)
    n = len(codes)
    return pd.DataFrame({
        "code": codes,
        "value": values if values is not None else [math.nan] * n,
        "numerator": numerators if numerators is not None else [math.nan] * n,
        "denominator": denominators if denominators is not None else [math.nan] * n,
        "status": [status] * n,
    })


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def ratio_indicator(catalogue):
    return catalogue.get("women_commune_council_pct")


def build(indicator, code, before=None, after=None, lang="vi"):
    successors = geo.successors(code)
    before = before if before is not None else unit_table([code], [40.0], [2.0], [5.0])
    after = after if after is not None else unit_table(
        successors["new_code"], [50.0] * len(successors), [1.0] * len(successors), [2.0] * len(successors))
    return page.transition_table(indicator, district_row(code), successors, before, 2024, after, 2025, lang)


def test_the_page_is_registered_as_transition():
    records = {record.slug: record for record in registered_pages()}
    assert records["transition"].title == {"vi": "Chuyển đổi bản đồ", "en": "Map transition"}
    assert records["transition"].factory is page.TransitionPage


@pytest.mark.parametrize("code", list(DISTRICTS["code"]))
def test_every_successor_of_every_district_is_listed(ratio_indicator, code):
    table = build(ratio_indicator, code)
    successors = geo.successors(code)
    units = table[table["row_kind"] == page.ROW_UNIT]
    assert len(successors) > 0
    assert list(units["code"]) == list(successors["new_code"])
    assert list(units["merge_type"]) == list(successors["merge_type"])
    assert list(units["communes"]) == list(successors["communes"])
    # The district row counts its old communes once each, split ones included.
    district = table[table["row_kind"] == page.ROW_DISTRICT].iloc[0]
    rows = geo.read_crosswalk()
    own = rows[rows["old_district_code"] == code].drop_duplicates("old_code")
    assert district["communes"] == len(own) <= successors["communes"].sum()
    assert district["partial_communes"] == (own["merge_type"] == "partial").sum()


def test_the_crosswalk_is_covered_by_the_view():
    """Every (district, new unit) link of the crosswalk appears on some district's page."""
    rows = geo.read_crosswalk()
    links = set(zip(rows["old_district_code"], rows["new_code"]))
    shown = {(code, new) for code in DISTRICTS["code"] for new in geo.successors(code)["new_code"]}
    assert shown == links
    assert len({new for _, new in shown}) == COMMUNE_MAP.unit_count


@pytest.mark.parametrize("code", list(DISTRICTS["code"]))
def test_approximate_is_set_exactly_where_a_figure_crosses_the_maps(ratio_indicator, code):
    table = build(ratio_indicator, code)
    crossing = table["row_kind"] == page.ROW_ESTIMATE
    assert table.loc[crossing, "approximate"].all()
    assert (table.loc[crossing, "approximate_label"] == "ước tính / approximate").all()
    assert not table.loc[~crossing, "approximate"].any()
    assert (table.loc[~crossing, "approximate_label"] == "").all()
    # Each own figure sits on its own map; the estimate uses new-map figures over the old district.
    assert set(table.loc[table["row_kind"] == page.ROW_DISTRICT, "map_id"]) == {DISTRICT_MAP.id}
    assert set(table.loc[table["row_kind"] == page.ROW_UNIT, "map_id"]) == {COMMUNE_MAP.id}


def test_partial_merges_are_named_as_the_reason(ratio_indicator):
    # Ba Đình: some of its wards were split between new wards.
    successors = geo.successors("001")
    partial = successors[successors["merge_type"] == "partial"]
    assert len(partial) > 0
    table = build(ratio_indicator, "001")
    note = table.loc[table["row_kind"] == page.ROW_ESTIMATE, "note"].iloc[0]
    assert "một phần" in note
    names = geo.commune_unit_list().set_index("code")["full_name_vi"]
    for code in partial["new_code"]:
        assert names[code] in note
    flagged = table[(table["row_kind"] == page.ROW_UNIT) & (table["merge_type"] == "partial")]
    assert set(flagged["code"]) == set(partial["new_code"])
    english = build(ratio_indicator, "001", lang="en")
    assert "Partial merges" in english.loc[english["row_kind"] == page.ROW_ESTIMATE, "note"].iloc[0]


def test_ratios_are_recombined_from_their_parts(ratio_indicator):
    code = "001"
    successors = geo.successors(code)
    n = len(successors)
    after = unit_table(successors["new_code"], [100.0] + [0.0] * (n - 1), [3.0] + [0.0] * (n - 1), [3.0] * n)
    table = build(ratio_indicator, code, after=after)
    estimate = table[table["row_kind"] == page.ROW_ESTIMATE].iloc[0]
    assert estimate["numerator"] == 3 and estimate["denominator"] == 3 * n
    assert estimate["value"] == pytest.approx(100 / n)
    assert estimate["status"] == "illustrative"


def test_missing_figures_are_left_out_never_zero(ratio_indicator):
    code = "001"
    successors = geo.successors(code)
    n = len(successors)
    after = unit_table(successors["new_code"], [50.0] + [math.nan] * (n - 1), [1.0] + [math.nan] * (n - 1),
                       [2.0] + [math.nan] * (n - 1))
    table = build(ratio_indicator, code, after=after)
    estimate = table[table["row_kind"] == page.ROW_ESTIMATE].iloc[0]
    assert estimate["value"] == pytest.approx(50.0)
    assert estimate["units_reporting"] == 1
    assert f"1/{n}" in estimate["note"]
    missing = table[(table["row_kind"] == page.ROW_UNIT) & table["value"].isna()]
    assert (missing["value_label"] == "chưa có số liệu").all()


def test_no_figure_at_all_gives_no_estimate(ratio_indicator):
    table = build(ratio_indicator, "001", after=unit_table(geo.successors("001")["new_code"]))
    estimate = table[table["row_kind"] == page.ROW_ESTIMATE].iloc[0]
    assert math.isnan(estimate["value"])
    assert estimate["value_label"] == "chưa có số liệu"
    assert estimate["approximate"]  # still a figure that would cross the maps


def test_yes_no_indicators_become_a_share_of_units(catalogue):
    indicator = catalogue.get("committee_established")
    successors = geo.successors("002")
    n = len(successors)
    after = unit_table(successors["new_code"], [1.0] * (n - 1) + [0.0])
    table = build(indicator, "002", before=unit_table(["002"], [1.0]), after=after)
    estimate = table[table["row_kind"] == page.ROW_ESTIMATE].iloc[0]
    assert estimate["value"] == pytest.approx(100 * (n - 1) / n)
    assert estimate["value_label"].endswith("%")
    assert table[table["row_kind"] == page.ROW_DISTRICT]["value_label"].iloc[0] == "Có"


def test_the_csv_carries_the_approximate_column(ratio_indicator):
    table = build(ratio_indicator, "001")
    content = page.transition_csv(table)
    assert content.startswith(b"\xef\xbb\xbf")
    read = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype={"code": str})
    assert list(read.columns) == page.TABLE_COLUMNS
    assert read.loc[read["approximate"], "approximate_label"].eq("ước tính / approximate").all()
    assert read["approximate"].sum() == 1


def test_the_html_table_flags_approximate_and_partial_rows(ratio_indicator):
    table = build(ratio_indicator, "001")
    text = page.table_html(table, ratio_indicator, "vi")
    assert text.count("transition-approximate-flag") == 1
    assert text.count("transition-partial") == int(
        ((table["row_kind"] == page.ROW_UNIT) & (table["merge_type"] == "partial")).sum())


def test_bridge_map_draws_every_successor_under_the_district_outline():
    import holoviews as hv

    successors = geo.successors("001")
    element = page.bridge_map_element(
        geo.display_districts(), geo.display_communes(), "001", successors, "vi")
    polygons = element.get(0)
    assert set(polygons.dimension_values("code", expanded=False)) == set(successors["new_code"])
    assert isinstance(element.get(1), hv.Path)


def test_the_key_credits_both_maps():
    key = page.map_key_html("en")
    assert "geoBoundaries" in key and "vietnamese-provinces-database" in key


# ------------------------------------------------------------------ the viewer, on data on both maps

BRIDGED = "key_leader_female"


@pytest.fixture(scope="module")
def bridged_data(dashboard_data):
    """The seeded data with BRIDGED also observed on the 126-unit map in 2025 (levels gain commune)."""
    from dashboard.data import DashboardData

    indicator = dashboard_data.indicator(BRIDGED)
    levels = tuple(dict.fromkeys((*indicator.levels, "commune")))
    catalogue = dataclasses.replace(
        dashboard_data.catalogue,
        indicators={**dashboard_data.catalogue.indicators, BRIDGED: dataclasses.replace(indicator, levels=levels)},
    )
    observations = dashboard_data.observations
    own = (observations["indicator_id"] == BRIDGED) & (observations["map_id"] == COMMUNE_MAP.id)
    observations = observations[~own]
    template = observations[(observations["indicator_id"] == BRIDGED)
                            & (observations["map_id"] == DISTRICT_MAP.id)].iloc[0].to_dict()
    rows = []
    # Every fifth unit without a figure: missing, never zero.
    for index, code in enumerate(geo.commune_unit_list()["code"]):
        if index % 5 == 4:
            continue
        yes = float(index % 3 != 0)
        rows.append({**template, "map_id": COMMUNE_MAP.id, "unit_code": code, "period": 2025, "value": yes,
                     "status": "illustrative"})
    observations = pd.concat([observations, pd.DataFrame(rows)], ignore_index=True)
    return DashboardData(catalogue, dashboard_data.districts, observations, version=dashboard_data.version,
                         units={COMMUNE_MAP.id: dashboard_data.units(COMMUNE_MAP.id)})


def test_bridge_indicators_are_those_on_both_maps(bridged_data):
    assert BRIDGED in page.bridge_indicators(bridged_data)
    for indicator_id in page.bridge_indicators(bridged_data):
        levels = bridged_data.indicator(indicator_id).levels
        assert "district" in levels and "commune" in levels


def test_viewer_follows_a_district_of_the_state(bridged_data):
    state = new_state(bridged_data, page="transition", indicator=BRIDGED, district="002")
    view = page.TransitionPage(state=state, data=bridged_data)
    assert view.district == "002"
    assert list(view.table.loc[view.table["row_kind"] == page.ROW_UNIT, "code"]) == list(
        geo.successors("002")["new_code"])
    assert "ước tính / approximate" in view._summary.object
    assert view._table.object.count("transition-approximate-flag") == 1
    state.district = "001"
    assert view._district_select.value == "001"
    assert view.table["code"].iloc[0] == "001"
    view._district_select.value = "003"
    assert state.district == "003"


def test_viewer_takes_a_new_unit_to_its_main_old_district(bridged_data):
    # Phường Hoàn Kiếm took its communes from Quận Hoàn Kiếm (002).
    hoan_kiem = geo.commune_unit_list().set_index("full_name_vi").loc["Phường Hoàn Kiếm", "code"]
    state = new_state(bridged_data, page="transition", indicator=BRIDGED, district=hoan_kiem)
    view = page.TransitionPage(state=state, data=bridged_data)
    assert view.district == "002"
    assert state.district == hoan_kiem  # the unit chosen stays chosen


def test_viewer_compares_last_district_and_first_commune_period(bridged_data):
    state = new_state(bridged_data, page="transition", indicator=BRIDGED, district="001")
    view = page.TransitionPage(state=state, data=bridged_data)
    table = view.table
    before = bridged_data.unit_periods(BRIDGED, DISTRICT_MAP.id)
    assert table.loc[table["row_kind"] == page.ROW_DISTRICT, "period"].iloc[0] == before[-1]
    assert set(table.loc[table["row_kind"] != page.ROW_DISTRICT, "period"]) == {2025}
    # Illustrative values stay labelled, on screen too.
    assert (table.loc[table["status"] == "illustrative", "status_label"] == "minh họa").all()
    assert "illustrative-notice" in view._notice.object
    csv = pd.read_csv(io.BytesIO(view._download.callback().getvalue()), encoding="utf-8-sig", dtype={"code": str})
    assert csv["approximate"].sum() == 1


def test_viewer_in_english(bridged_data):
    state = new_state(bridged_data, page="transition", indicator=BRIDGED, district="001", lang="en")
    view = page.TransitionPage(state=state, data=bridged_data)
    assert view._district_select.label == "Old district"
    assert "approximate / ước tính" in view._summary.object
    state.lang = "vi"
    assert view._district_select.label == "Quận, huyện, thị xã cũ"
    assert "Quận Ba Đình" in view._table.object


def test_without_an_indicator_on_both_maps_the_page_says_so(dashboard_data):
    if page.bridge_indicators(dashboard_data):
        pytest.skip("this catalogue has indicators on both maps")
    state = new_state(dashboard_data, page="transition", district="001")
    view = page.TransitionPage(state=state, data=dashboard_data)
    assert "transition-empty" in view._summary.object
    assert view._download.disabled
