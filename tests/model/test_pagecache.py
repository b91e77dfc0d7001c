"""The page cache: slices of the observations made once per data version and shared by sessions."""

from __future__ import annotations

from pages.test_district import PERCENT, tiny_data  # noqa: F401  (a fixture; tests/ is on the path)

from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP
from dashboard.model import pagecache


def test_warming_a_map_fills_the_slices_a_profile_reads(tiny_data):  # noqa: F811
    pagecache.unit_cells.cache_clear()
    count = pagecache.warm_unit_slices(tiny_data, DISTRICT_MAP.id)
    assert count == len(pagecache.unit_indicators(tiny_data, DISTRICT_MAP.id)) > 0
    hits = pagecache.unit_cells.cache_info().hits
    pagecache.unit_cells(tiny_data, PERCENT, DISTRICT_MAP.id)
    assert pagecache.unit_cells.cache_info().hits == hits + 1
    # A map with no unit figure has nothing to warm.
    assert pagecache.warm_unit_slices(tiny_data, COMMUNE_MAP.id) == 0


def test_warmed_slices_follow_a_new_data_version(tiny_data):  # noqa: F811
    pagecache.warm_unit_slices(tiny_data, DISTRICT_MAP.id)
    before = pagecache.unit_cells(tiny_data, PERCENT, DISTRICT_MAP.id)
    assert before[2018].at["001", "value"] == 100.0
    observations = tiny_data.observations.copy()
    observations.loc[(observations["unit_code"] == "001") & (observations["period"] == 2018)
                     & (observations["indicator_id"] == PERCENT), "value"] = 70.0
    tiny_data.replace_observations(observations, tiny_data.version + 1)
    pagecache.warm_unit_slices(tiny_data, DISTRICT_MAP.id)
    assert pagecache.unit_cells(tiny_data, PERCENT, DISTRICT_MAP.id)[2018].at["001", "value"] == 70.0
