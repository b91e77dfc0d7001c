"""The district view of an indicator is worked out once per data version and shared by sessions."""

from __future__ import annotations

import dataclasses

from dashboard.data import load_data
from dashboard.model.display import district_display


def test_sessions_share_one_view_until_the_data_version_moves(seeded_db_url):
    data = load_data(seeded_db_url)  # its own: this test moves the version
    indicator = data.indicator("women_district_council_pct")
    first, _classes = district_display(data, indicator, 2021, "vi")
    assert district_display(data, indicator, 2021, "vi")[0] is first
    assert district_display(data, indicator, 2021, "en")[0] is not first
    changed = data.observations.copy()
    changed.loc[changed["indicator_id"] == indicator.id, "value"] = 50.0
    data.replace_observations(changed, data.version + 1)  # what a live import does
    after, _classes = district_display(data, indicator, 2021, "vi")
    assert after is not first
    assert set(after["value_label"]) != set(first["value_label"])


def test_an_indicator_outside_the_catalogue_is_worked_out_each_time(dashboard_data):
    indicator = dashboard_data.indicator("women_district_council_pct")
    edited = dataclasses.replace(indicator)  # an equal copy, as a notebook might make and change
    first = district_display(dashboard_data, edited, 2021, "vi")[0]
    assert district_display(dashboard_data, edited, 2021, "vi")[0] is not first
