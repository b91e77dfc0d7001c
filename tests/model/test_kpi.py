"""KPIs: the city value against its target, the previous period and the districts behind."""

from __future__ import annotations

import dataclasses
import math
import unicodedata

import pandas as pd
import pytest

from dashboard.catalogue import Catalogue, Target, load_catalogue
from dashboard.data import DashboardData
from dashboard.model.kpi import (
    HEADLINE_INDICATORS,
    Kpi,
    change_text,
    indicator_kpi,
    spoken_summary,
    summary_lines,
    theme_kpis,
)

BASIS = {"vi": "Quyết định thử nghiệm", "en": "Test decision"}
CODES = ("001", "002", "003")


def _target(value: float, scope: str, year: int = 2025) -> Target:
    return Target(value=value, year=year, scope=scope, basis=BASIS)


@pytest.fixture(scope="module")
def data() -> DashboardData:
    """Three districts and four made-up indicators with hand-checkable numbers."""
    real = load_catalogue()
    share = real.get("communes_with_officer_pct")
    indicators = {
        "share_up": dataclasses.replace(
            share, id="share_up", targets=(_target(50, "district"), _target(50, "city"))
        ),
        "share_down": dataclasses.replace(
            share,
            id="share_down",
            polarity="lower_is_better",
            targets=(_target(20, "district"), _target(20, "city")),
        ),
        "flag": dataclasses.replace(
            real.get("committee_established"), id="flag", targets=(_target(100, "city", 2016),)
        ),
        "count": dataclasses.replace(real.get("trainees"), id="count"),
        "empty": dataclasses.replace(real.get("trainees"), id="empty"),
        "city_only": real.get("women_city_council_pct"),
    }
    catalogue = Catalogue(themes=real.themes, indicators=indicators)
    districts = pd.DataFrame(
        {
            "code": list(CODES),
            "name_vi": ["Một", "Hai", "Ba"],
            "name_en": ["One", "Two", "Three"],
            "full_name_vi": ["Quận Một", "Huyện Hai", "Huyện Ba"],
            "unit_type": ["quận", "huyện", "huyện"],
        }
    )
    rows = []

    def district(indicator: str, period: int, values, numerators=None, denominators=None):
        for index, (code, value) in enumerate(zip(CODES, values)):
            if value is None:
                continue
            rows.append(
                dict(
                    map_id="hn_districts_2014",
                    unit_code=code,
                    period=period,
                    indicator_id=indicator,
                    value=value,
                    numerator=numerators[index] if numerators else math.nan,
                    denominator=denominators[index] if denominators else math.nan,
                    status="illustrative",
                    source="test",
                )
            )

    # share_up: 2019 city 120/300 = 40% (not met); 2020 city 155/300 = 51.67% (met).
    district("share_up", 2019, [30, 40, 50], [30, 40, 50], [100, 100, 100])
    district("share_up", 2020, [40, 60, 55], [40, 60, 55], [100, 100, 100])
    # share_down: 2020 city 75/300 = 25% (above the 20% ceiling); 2021: 45/300 = 15%.
    district("share_down", 2020, [10, 30, 35], [10, 30, 35], [100, 100, 100])
    district("share_down", 2021, [10, 15, 20], [10, 15, 20], [100, 100, 100])
    district("flag", 2020, [1, 0, 1])
    district("count", 2020, [5, None, 7])
    district("count", 2021, [5, None, 7])
    rows.append(
        dict(
            map_id="hn_city",
            unit_code="01",
            period=2016,
            indicator_id="city_only",
            value=23.81,
            numerator=25,
            denominator=105,
            status="official",
            source="press",
        )
    )
    observations = pd.DataFrame(rows)
    observations["updated_at"] = pd.Timestamp("2026-01-01", tz="UTC")
    return DashboardData(catalogue, districts, observations)


def test_target_met_when_the_city_value_reaches_it(data):
    kpi = indicator_kpi(data, "share_up", 2020)
    assert kpi.period == 2020
    assert kpi.value == pytest.approx(155 / 3)
    assert (kpi.numerator, kpi.denominator) == (155, 300)
    assert kpi.target.value == 50 and kpi.target.scope == "city"
    assert kpi.met is True
    assert kpi.districts_behind == 1 and kpi.behind_codes == ("001",)
    assert kpi.districts_reporting == 3 and kpi.districts_total == 3
    assert kpi.derived and kpi.illustrative and kpi.status == "illustrative"


def test_target_not_met(data):
    kpi = indicator_kpi(data, "share_up", 2019)
    assert kpi.value == pytest.approx(40.0)
    assert kpi.met is False
    assert kpi.behind_codes == ("001", "002")


def test_lower_is_better_reverses_the_comparison(data):
    above = indicator_kpi(data, "share_down", 2020)
    assert above.value == pytest.approx(25.0)
    assert above.met is False
    assert above.behind_codes == ("002", "003")
    below = indicator_kpi(data, "share_down", 2021)
    assert below.value == pytest.approx(15.0)
    assert below.met is True
    assert below.districts_behind == 0  # 20% is still within a 20% ceiling


def test_change_against_the_previous_period(data):
    kpi = indicator_kpi(data, "share_up", 2020)
    assert kpi.previous_period == 2019
    assert kpi.previous_value == pytest.approx(40.0)
    assert kpi.change == pytest.approx(155 / 3 - 40)
    assert change_text(kpi, "vi") == "+11,7 điểm phần trăm"
    assert change_text(kpi, "en") == "+11.7 percentage points"


def test_no_change_without_a_previous_period(data):
    kpi = indicator_kpi(data, "share_up", 2019)
    assert kpi.previous_period is None and kpi.previous_value is None and kpi.change is None
    assert change_text(kpi, "vi") == ""
    assert not any("So với" in line for line in summary_lines(kpi, "vi"))


def test_an_unchanged_value_says_so(data):
    kpi = indicator_kpi(data, "count", 2021)
    assert kpi.change == 0
    assert change_text(kpi, "vi") == "không đổi"
    assert "Không đổi so với năm 2020" in spoken_summary(kpi, "vi")


def test_a_later_request_resolves_to_the_latest_period(data):
    kpi = indicator_kpi(data, "share_up", 2024)
    assert (kpi.requested_period, kpi.period) == (2024, 2020)
    assert not kpi.covers_requested
    assert "Số liệu mới nhất: năm 2020 (kỳ đã chọn: 2024)" in summary_lines(kpi, "vi")
    assert "no figures for 2024" in spoken_summary(kpi, "en")


def test_an_indicator_without_data_has_an_empty_kpi(data):
    kpi = indicator_kpi(data, "empty", 2020)
    assert kpi.period is None and kpi.value is None and kpi.met is None
    assert kpi.districts_behind is None and kpi.districts_reporting == 0
    assert summary_lines(kpi, "vi") == ["Chỉ tiêu này chưa có số liệu."]


def test_yes_no_indicators_count_districts_answering_no(data):
    kpi = indicator_kpi(data, "flag", 2020)
    assert kpi.value == pytest.approx(200 / 3)
    assert (kpi.numerator, kpi.denominator) == (2, 3)
    assert kpi.district_target is None
    assert kpi.districts_behind == 1 and kpi.behind_codes == ("002",)
    assert kpi.met is False  # 66.7% of districts against a 100% target
    assert "Quận, huyện chưa có: 1/3" in summary_lines(kpi, "vi")
    assert "2 trên 3 quận, huyện trả lời có, tức 66,7%" in spoken_summary(kpi, "vi")


def test_no_target_means_neither_met_nor_behind(data):
    kpi = indicator_kpi(data, "count", 2020)
    assert kpi.target is None and kpi.met is None
    assert kpi.districts_behind is None and kpi.behind_codes == ()
    assert kpi.districts_reporting == 2 and kpi.value == 12
    assert "1 trên 3 quận, huyện chưa có số liệu." in spoken_summary(kpi, "vi")


def test_city_only_indicators_have_no_district_counts(data):
    kpi = indicator_kpi(data, "city_only", 2016)
    assert kpi.value == pytest.approx(23.81) and not kpi.derived and kpi.status == "official"
    assert kpi.districts_reporting == 0 and kpi.districts_behind is None
    assert not kpi.illustrative
    assert "toàn thành phố đạt 23,8%, tức 25/105." in spoken_summary(kpi, "vi")


def test_texts_are_composed_unicode(data):
    for indicator_id in ("share_up", "flag", "count"):
        kpi = indicator_kpi(data, indicator_id, 2020)
        for lang in ("vi", "en"):
            for text in [*summary_lines(kpi, lang), spoken_summary(kpi, lang)]:
                assert unicodedata.is_normalized("NFC", text)


def test_theme_kpis_on_the_seeded_data(dashboard_data):
    kpis = theme_kpis(dashboard_data, 2024)
    assert all(isinstance(kpi, Kpi) for kpi in kpis)
    order = [theme.id for theme in dashboard_data.catalogue.themes]
    expected = [i for theme in order for i in HEADLINE_INDICATORS.get(theme, ())]
    assert [kpi.indicator.id for kpi in kpis] == expected
    assert expected[:2] == ["committee_established", "trainees"]
    by_id = {kpi.indicator.id: kpi for kpi in kpis}
    # Screening ran until 2019; council terms start in 2021.
    assert by_id["screening_coverage_pct"].period == 2019
    assert not by_id["screening_coverage_pct"].covers_requested
    assert by_id["women_district_council_pct"].period == 2021
    assert by_id["women_district_council_pct"].covers_requested
    assert by_id["women_district_council_pct"].previous_period == 2016
    leader = by_id["key_leader_female"]
    assert leader.target.value == 60 and leader.met is not None
    assert leader.districts_behind == sum(
        1 for v in dashboard_data.district_table("key_leader_female", 2024)["value"] if v < 0.5
    )
