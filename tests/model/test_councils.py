"""A council that is not organised is its own state: never counted or drawn as missing data."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.export import common
from dashboard.model.classes import NO_COUNCIL_COLOUR, NO_DATA_COLOUR
from dashboard.model.councils import NO_COUNCIL, has_no_council, lacking_data, without_council
from dashboard.model.display import district_display
from dashboard.model.kpi import indicator_kpi, spoken_summary, summary_lines
from dashboard.views.ranking import ranking_note_html

COMMUNE = "women_commune_council_pct"


@pytest.mark.parametrize(
    ("indicator_id", "unit_type", "period", "expected"),
    [
        (COMMUNE, "quận", 2021, True),  # every commune-level unit of a quận is a ward
        (COMMUNE, "quận", 2016, False),  # wards still had councils in 2016-2021
        (COMMUNE, "thị xã", 2021, False),  # Sơn Tây keeps the councils of its six communes
        (COMMUNE, "huyện", 2021, False),
        ("women_district_council_pct", "quận", 2021, False),  # quận councils were kept
        ("women_candidates_district_council_pct", "quận", 2021, False),
    ],
)
def test_only_the_wards_lost_their_councils(indicator_id, unit_type, period, expected):
    assert has_no_council(indicator_id, unit_type, period) is expected


@pytest.fixture(scope="module")
def commune_2021(dashboard_data):
    indicator = dashboard_data.indicator(COMMUNE)
    return district_display(dashboard_data, indicator, 2021, "vi")


def test_urban_districts_show_no_council_not_no_data(dashboard_data, commune_2021):
    display, classification = commune_2021
    urban = set(dashboard_data.districts.query("unit_type == 'quận'")["code"])
    rows = display[without_council(display)]
    assert set(rows["code"]) == urban
    assert (rows["status"] == NO_COUNCIL).all()
    assert set(rows["status_label"]) == set(rows["value_label"]) == {"không tổ chức HĐND"}
    assert set(rows["color"]) == {NO_COUNCIL_COLOUR}
    assert not lacking_data(display).any()
    assert NO_DATA_COLOUR not in set(display["color"])
    labels = [entry.label for entry in classification.legend]
    assert labels[-1] == "không tổ chức HĐND" and "chưa có số liệu" in labels


def test_2016_has_no_such_state(dashboard_data):
    display, classification = district_display(dashboard_data, dashboard_data.indicator(COMMUNE), 2016, "en")
    assert not without_council(display).any()
    assert "no People's Council" not in [entry.label for entry in classification.legend]


def test_the_kpi_does_not_count_them_as_missing(dashboard_data):
    kpi = indicator_kpi(dashboard_data, COMMUNE, 2021)
    assert (kpi.districts_reporting, kpi.districts_total, kpi.districts_without_council) == (18, 18, 12)
    lines = summary_lines(kpi, "vi")
    assert "Có số liệu: 18 trong số 18 quận, huyện, thị xã" in lines
    assert any(line.startswith("Không tổ chức HĐND") and line.endswith(": 12 quận, huyện, thị xã")
               for line in lines)
    spoken = spoken_summary(kpi, "en")
    assert "12 districts have no council at this level" in spoken and "have no figures" not in spoken


def test_notes_list_them_apart_from_missing_data(commune_2021, dashboard_data):
    display, _ = commune_2021
    indicator = dashboard_data.indicator(COMMUNE)
    note = ranking_note_html(display, indicator, 2021, "vi", dashboard_data.city_value(COMMUNE, 2021), None)
    assert "Không tổ chức HĐND:" in note and "Chưa có số liệu:" not in note


def test_exports_carry_the_state_in_their_status_column(dashboard_data):
    snapshot = common.snapshot_for(dashboard_data, COMMUNE, 2021, "en")
    assert common.missing_districts(snapshot) == []
    assert len(common.districts_without_council(snapshot)) == 12
    from dashboard.views.table import indicator_table

    table = indicator_table(snapshot.display, snapshot.indicator, "en")
    assert (table["Data status"] == "no People's Council").sum() == 12
    assert pd.isna(table.loc[table["Data status"] == "no People's Council", "Value (%)"]).all()
