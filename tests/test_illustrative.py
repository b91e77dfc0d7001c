"""The illustrative generator is deterministic, plausible and adds up to real city totals."""

import numpy as np
import pandas as pd
import pytest

from dashboard import geo, illustrative, maps
from dashboard.catalogue import load_catalogue, load_facts
from dashboard.errors import DataError


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


def test_district_annual_data_stops_before_2025_which_belongs_to_the_new_map(generated):
    annual = generated[generated["period"] >= 2025]
    assert annual.empty
    assert (generated["map_id"] == geo.DISTRICT_MAP_ID).all()


# ------------------------------------------------------------- the 126 communes and wards

COMMUNE_ANNUAL = ["committee_established", "gender_officers", "key_leader_female"]
COMMUNE_TERM = ["women_commune_council_pct", "women_candidates_commune_council_pct"]


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return illustrative.commune_units()


@pytest.fixture(scope="module")
def communes(units) -> pd.DataFrame:
    return illustrative.generate_communes(units, load_facts())


def _council(frame: pd.DataFrame, indicator: str, term: int = 2026) -> pd.DataFrame:
    rows = frame[(frame["indicator_id"] == indicator) & (frame["period"] == term)]
    return rows.set_index("unit_code")


def test_commune_units_are_the_126_of_the_map_with_a_population(units):
    assert len(units) == 126
    assert set(units["code"]) == set(geo.commune_unit_list()["code"])
    assert units["population"].gt(0).all()
    # The populations published with the rearrangement cover the whole city.
    assert 8_000_000 < units["population"].sum() < 10_000_000


def test_commune_data_covers_annual_2025_and_2026_and_the_2026_term(communes):
    periods = communes.groupby("indicator_id")["period"].apply(lambda p: sorted(p.unique())).to_dict()
    assert periods == {**{i: [2025, 2026] for i in COMMUNE_ANNUAL}, **{i: [2026] for i in COMMUNE_TERM}}


def test_every_indicator_period_has_each_of_the_126_units_once(communes):
    codes = set(geo.commune_unit_list()["code"])
    for (indicator, period), rows in communes.groupby(["indicator_id", "period"]):
        assert len(rows) == 126, (indicator, period)
        assert set(rows["unit_code"]) == codes, (indicator, period)


def test_commune_rows_carry_the_new_map_and_five_digit_codes(communes):
    assert (communes["map_id"] == "hn_communes_2025").all()
    assert communes["unit_code"].str.fullmatch(r"\d{5}").all()


def test_every_commune_period_is_drawn_on_the_new_map(communes):
    catalogue = load_catalogue()
    for cell in communes[["indicator_id", "period"]].drop_duplicates().itertuples():
        indicator = catalogue.get(cell.indicator_id)
        assert maps.map_for_period(cell.period, indicator.frequency).id == "hn_communes_2025"
        assert indicator.is_on_map("hn_communes_2025")


def test_commune_rows_are_labelled_illustrative_with_their_source(communes):
    assert (communes["status"] == "illustrative").all()
    assert communes["source"].str.contains("minh họa").all()
    assert communes["source"].str.contains("Illustrative").all()


def test_the_same_seed_gives_the_same_commune_data(units, communes):
    again = illustrative.generate_communes(illustrative.commune_units(), load_facts())
    pd.testing.assert_frame_equal(communes, again)
    # The order of the input rows does not matter either.
    shuffled = illustrative.generate_communes(units.sample(frac=1, random_state=1), load_facts())
    pd.testing.assert_frame_equal(communes, shuffled)


def test_no_more_women_than_seats_on_any_commune_council(communes):
    percent = communes[communes["indicator_id"].isin(COMMUNE_TERM)]
    assert percent[["numerator", "denominator"]].notna().all().all()
    assert (percent["numerator"] >= 0).all()
    assert (percent["numerator"] <= percent["denominator"]).all()
    assert np.allclose(percent["value"], 100 * percent["numerator"] / percent["denominator"], atol=0.01)


def test_candidates_outnumber_deputies_and_include_everyone_elected(communes):
    elected = _council(communes, "women_commune_council_pct")
    listed = _council(communes, "women_candidates_commune_council_pct")
    joined = elected.join(listed, suffixes=("_elected", "_listed"))
    assert len(joined) == 126
    # By law a list has at least two more names than seats in each constituency.
    assert (joined["denominator_listed"] >= joined["denominator_elected"] + 2).all()
    assert (joined["numerator_listed"] >= joined["numerator_elected"]).all()
    men_listed = joined["denominator_listed"] - joined["numerator_listed"]
    assert (men_listed >= joined["denominator_elected"] - joined["numerator_elected"]).all()
    # Women's share among candidates is above their share among deputies for the city as a whole.
    listed_share = joined["numerator_listed"].sum() / joined["denominator_listed"].sum()
    elected_share = joined["numerator_elected"].sum() / joined["denominator_elected"].sum()
    assert 0.3 < listed_share < 0.5 and 0.2 < elected_share < listed_share


def test_council_seats_follow_the_population_class(units, communes):
    seats = _council(communes, "women_commune_council_pct")["denominator"]
    by_class = pd.Series(illustrative.commune_council_seats(units), index=units["code"])
    assert by_class.between(25, 34).all()
    # At most one seat stays empty.
    assert (seats.reindex(by_class.index) - by_class).between(-1, 0).all()
    population = units.set_index("code")["population"]
    small, large = population.idxmin(), population.idxmax()
    assert by_class[small] < by_class[large]


def test_commune_committees_once_set_up_stay_and_most_exist_by_the_end_of_2025(communes):
    committees = communes[communes["indicator_id"] == "committee_established"]
    wide = committees.pivot(index="unit_code", columns="period", values="value")
    assert set(np.unique(wide.to_numpy())) <= {0.0, 1.0}
    assert (wide[2026] >= wide[2025]).all()
    assert wide[2025].mean() > 0.6 and wide[2026].mean() > wide[2025].mean()


def test_commune_staff_and_key_leaders_are_plausible(communes):
    officers = communes[communes["indicator_id"] == "gender_officers"]
    assert officers["value"].between(1, 3).all()
    leaders = communes[communes["indicator_id"] == "key_leader_female"]
    assert set(leaders["value"]) == {0.0, 1.0}
    share = leaders.groupby("period")["value"].mean()
    assert (share.between(0.25, 0.7)).all()


def test_commune_councils_add_up_to_a_real_city_total_when_one_is_known(units):
    known = pd.DataFrame([
        {"map_id": "hn_city", "unit_code": "01", "period": 2026, "indicator_id": "women_commune_council_pct",
         "value": 30.0, "numerator": 1050.0, "denominator": 3500.0, "status": "official", "source": "test"},
        {"map_id": "hn_city", "unit_code": "01", "period": 2026,
         "indicator_id": "women_candidates_commune_council_pct", "value": 40.0, "numerator": 2400.0,
         "denominator": 6000.0, "status": "official", "source": "test"},
    ])
    generated = illustrative.generate_communes(units, known)
    assert _sums(generated, "women_commune_council_pct", 2026) == (1050, 3500)
    assert _sums(generated, "women_candidates_commune_council_pct", 2026) == (2400, 6000)
    elected = _council(generated, "women_commune_council_pct")
    listed = _council(generated, "women_candidates_commune_council_pct")
    assert (listed["numerator"] >= elected["numerator"]).all()
    assert (listed["denominator"] - listed["numerator"] >= elected["denominator"] - elected["numerator"]).all()



def test_a_crosswalk_without_a_population_names_the_file_row_and_column(tmp_path):
    rows = pd.read_csv(geo.COMMUNE_CROSSWALK, dtype=str, keep_default_na=False)
    rows.loc[3, "new_population_sapnhap"] = ""
    path = tmp_path / "crosswalk.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        illustrative.commune_units(path)
    error = caught.value
    assert (error.row, error.column) == (5, "new_population_sapnhap")
    assert "crosswalk.csv" in error.message("en") and "dân số" in error.message("vi")
