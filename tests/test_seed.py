"""The seed writes real facts and illustrative data for both maps, each on the map of its period."""

import pandas as pd
import pytest

from dashboard import geo, illustrative, maps, store
from dashboard.catalogue import load_catalogue
from dashboard.seed import check_generated

# Three annual indicators for 2025 and 2026, two council indicators for the 2026 term.
COMMUNE_ROWS = 126 * (3 * 2 + 2)


@pytest.fixture(scope="module")
def observations(seeded_db_url) -> pd.DataFrame:
    return store.read_observations(store.create_db_engine(seeded_db_url))


def test_the_seed_writes_the_126_units_of_the_new_map(observations):
    communes = observations[observations["map_id"] == "hn_communes_2025"]
    assert len(communes) == COMMUNE_ROWS
    assert set(communes["unit_code"]) == set(geo.commune_unit_list()["code"])
    assert (communes["status"] == "illustrative").all()
    assert communes["source"].str.contains("minh họa").all()


def test_each_period_sits_on_its_own_map(observations):
    catalogue = load_catalogue()
    units = observations[observations["map_id"].isin(maps.MAPS)]
    for cell in units[["indicator_id", "map_id", "period"]].drop_duplicates().itertuples():
        frequency = catalogue.get(cell.indicator_id).frequency
        assert maps.map_for_period(cell.period, frequency).id == cell.map_id, cell
    districts = units[units["map_id"] == "hn_districts_2014"]
    assert districts.loc[districts["indicator_id"] == "key_leader_female", "period"].max() == 2024


def test_the_2026_city_council_figures_are_stored_with_their_status_and_source(observations):
    city = observations[(observations["map_id"] == "hn_city") & (observations["period"] == 2026)]
    city = city.set_index("indicator_id")
    assert city.loc["city_council_seats", "value"] == 125
    assert city.loc["city_council_candidates", "value"] == 205
    assert city.loc["city_council_constituencies", "value"] == 31
    assert (city.loc[["city_council_seats", "city_council_candidates"], "status"] == "official").all()
    women = city.loc["women_city_council_candidates_pct"]
    assert (women["value"], women["status"]) == (43.1, "provisional")
    assert pd.isna(women["numerator"]) and pd.isna(women["denominator"])


def test_no_figure_of_women_elected_to_the_2026_city_council_is_stored(observations):
    elected = observations[(observations["indicator_id"] == "women_city_council_pct")]
    assert sorted(elected["period"]) == [2016, 2021]


def _generated() -> tuple[pd.DataFrame, dict[str, set[str]]]:
    units = illustrative.commune_units()
    frame = illustrative.generate_communes(units, pd.DataFrame(columns=["map_id", "indicator_id", "period"]))
    return frame, {"hn_communes_2025": set(units["code"])}


def test_the_seed_refuses_a_generated_row_on_the_wrong_map():
    frame, codes = _generated()
    check_generated(frame, load_catalogue(), codes)
    frame.loc[0, "period"] = 2024  # an annual 2024 figure belongs to the 30 districts
    with pytest.raises(RuntimeError, match="hn_districts_2014"):
        check_generated(frame, load_catalogue(), codes)


def test_the_seed_refuses_a_unit_code_that_is_not_on_the_map():
    frame, codes = _generated()
    frame.loc[0, "unit_code"] = "001"
    with pytest.raises(RuntimeError, match="001"):
        check_generated(frame, load_catalogue(), codes)


def test_the_seed_refuses_an_indicator_not_drawn_on_the_map():
    frame, codes = _generated()
    frame.loc[frame["indicator_id"] == "gender_officers", "indicator_id"] = "trainees"
    with pytest.raises(RuntimeError, match="trainees"):
        check_generated(frame, load_catalogue(), codes)
