"""The illustrative generator is deterministic, plausible and adds up to real city totals."""

import numpy as np
import pandas as pd
import pytest

from dashboard import geo, illustrative
from dashboard.catalogue import load_catalogue, load_facts


@pytest.fixture(scope="module")
def generated() -> pd.DataFrame:
    return illustrative.generate(geo.load_districts(), load_facts())


def _sums(frame, indicator, period):
    rows = frame[(frame["indicator_id"] == indicator) & (frame["period"] == period)]
    return rows["numerator"].sum(), rows["denominator"].sum()


def test_same_seed_gives_the_same_data(generated):
    again = illustrative.generate(geo.load_districts(), load_facts())
    pd.testing.assert_frame_equal(generated, again)


def test_district_councils_2016_add_up_to_the_real_city_total(generated):
    assert _sums(generated, "women_district_council_pct", 2016) == (356, 1183)


def test_commune_councils_2016_add_up_to_the_real_city_total(generated):
    assert _sums(generated, "women_commune_council_pct", 2016) == (4510, 15816)


def test_no_more_women_than_seats_and_percentages_in_range(generated):
    percent = generated[generated["numerator"].notna()]
    assert (percent["numerator"] <= percent["denominator"]).all()
    assert (percent["numerator"] >= 0).all()
    assert percent["value"].between(0, 100).all()
    assert np.allclose(percent["value"], 100 * percent["numerator"] / percent["denominator"], atol=0.01)


def test_at_least_as_many_candidates_as_deputies(generated):
    key = ["unit_code", "period"]
    deputies = generated[generated["indicator_id"] == "women_district_council_pct"].set_index(key)
    candidates = generated[generated["indicator_id"] == "women_candidates_district_council_pct"].set_index(key)
    joined = deputies.join(candidates, suffixes=("_elected", "_listed"))
    assert (joined["denominator_listed"] >= joined["denominator_elected"]).all()
    assert (joined["numerator_listed"] >= joined["numerator_elected"]).all()
    men_listed = joined["denominator_listed"] - joined["numerator_listed"]
    assert (men_listed >= joined["denominator_elected"] - joined["numerator_elected"]).all()


def test_district_councils_within_legal_size(generated):
    seats = generated[generated["indicator_id"] == "women_district_council_pct"]["denominator"]
    assert seats.between(30, 40).all()


def test_women_trainees_never_exceed_trainees(generated):
    wide = generated.pivot_table(index=["unit_code", "period"], columns="indicator_id", values="value")
    wide = wide.dropna(subset=["trainees"])
    assert len(wide) == 30 * 9
    assert (wide["trainees_female"] <= wide["trainees"]).all()


def test_periods_cover_the_plan_years_and_terms(generated):
    annual = generated[generated["indicator_id"] == "committee_established"]
    assert sorted(annual["period"].unique()) == list(range(2016, 2025))
    terms = generated[generated["indicator_id"] == "women_district_council_pct"]
    assert sorted(terms["period"].unique()) == [2011, 2016, 2021]


def test_every_district_elects_a_district_council_in_2021(generated):
    # Resolution 97/2019/QH14 ended the wards' councils, not those of the quận.
    rows_2021 = generated[(generated["indicator_id"] == "women_district_council_pct")
                          & (generated["period"] == 2021)]
    assert len(rows_2021) == 30


def test_wards_elect_no_commune_council_from_2021(generated):
    districts = geo.load_districts()
    urban = set(districts.query("unit_type == 'quận'")["code"])
    communes = generated[generated["indicator_id"] == "women_commune_council_pct"]
    rows_2016 = communes[communes["period"] == 2016]
    rows_2021 = communes[communes["period"] == 2021].set_index("unit_code")
    assert len(rows_2016) == 30
    assert urban.isdisjoint(rows_2021.index)
    assert len(rows_2021) == 30 - len(urban)
    # Sơn Tây keeps the councils of its 6 communes (xã), not those of its 9 wards.
    assert 6 * 15 <= rows_2021.loc["269", "denominator"] <= 6 * 35


def test_commune_councils_are_counted_without_wards_from_2021():
    districts = geo.load_districts().sort_values("code")
    before = illustrative.communes_with_council(districts, 2016)
    after = illustrative.communes_with_council(districts, 2021)
    assert before.sum() == districts["communes_2020"].sum()
    # 177 wards lost their councils: 168 in the 12 quận and 9 in Sơn Tây.
    assert before.sum() - after.sum() == 177
    son_tay = districts["code"].tolist().index("269")
    assert (before[son_tay], after[son_tay]) == (15, 6)


def test_every_row_is_labelled_illustrative_with_its_source(generated):
    assert (generated["status"] == "illustrative").all()
    assert generated["source"].str.contains("minh họa").all()


def test_every_generated_indicator_is_in_the_catalogue(generated):
    assert set(generated["indicator_id"]) <= set(load_catalogue().indicators)


def test_apportion_meets_total_within_bounds():
    parts = illustrative.apportion(10, np.array([1.0, 1.0, 8.0]), upper=np.array([5, 5, 4]))
    assert parts.sum() == 10
    assert (parts <= [5, 5, 4]).all()
    with pytest.raises(ValueError):
        illustrative.apportion(20, np.array([1.0, 1.0]), upper=np.array([5, 5]))
