"""The explorer's notices: each one exactly when it applies, in the user's language, in one pane."""

import re

from dashboard.data import DashboardData
from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.model.targets import gap_target
from dashboard.state import new_state
from dashboard.views.notices import explorer_notices, explorer_notices_html


def snapshot_of(data: DashboardData, **values) -> IndicatorSnapshot:
    return IndicatorSnapshot(state=new_state(data, **values), data=data)


def kinds(html: str) -> list[str]:
    return re.findall(r'<div class="notice notice-\w+ ([\w-]+)" role="status">', html)


def find(data: DashboardData, wanted) -> IndicatorSnapshot:
    """The first snapshot over the catalogue's indicators and periods that is `wanted`."""
    found = next((snapshot for indicator in data.catalogue.indicators for period in data.periods(indicator)
                  for snapshot in [snapshot_of(data, indicator=indicator, year=period)] if wanted(snapshot)), None)
    assert found is not None, "the seeded data has such a state"
    return found


def test_illustrative_values_are_labelled_in_the_users_language(dashboard_data):
    for lang, words in (("vi", "Số liệu minh họa"), ("en", "Illustrative data")):
        snapshot = snapshot_of(dashboard_data, lang=lang)
        assert snapshot.shows_illustrative
        html = explorer_notices_html(snapshot, lang, gap=False)
        assert kinds(html)[0] == "illustrative-notice" and words in html


def test_real_values_only_carry_no_illustrative_notice(dashboard_data):
    snapshot = find(dashboard_data, lambda s: not s.shows_illustrative and s.display["value"].notna().any())
    assert "illustrative-notice" not in kinds(explorer_notices_html(snapshot, "vi", gap=False))


def test_no_unit_data_is_said_in_the_words_of_the_map_shown(dashboard_data):
    snapshot = find(dashboard_data, lambda s: s.display["value"].isna().all())
    html = explorer_notices_html(snapshot, "vi", gap=False)
    assert "no-data-notice" in kinds(html)
    assert ("cấp xã" if snapshot.map is COMMUNE_MAP else "cấp huyện") in html


def test_gap_colouring_without_a_target_says_the_map_shows_values(dashboard_data):
    without = find(dashboard_data, lambda s: gap_target(s.indicator, s.state.year) is None)
    assert "gap-notice" in kinds(explorer_notices_html(without, "en", gap=True))
    assert "gap-notice" not in kinds(explorer_notices_html(without, "en", gap=False))
    with_target = find(dashboard_data, lambda s: gap_target(s.indicator, s.state.year) is not None)
    assert "gap-notice" not in kinds(explorer_notices_html(with_target, "en", gap=True))


def test_a_unit_the_new_map_lacks_is_cleared_and_named_until_another_is_picked(dashboard_data):
    before = find(dashboard_data, lambda s: s.map is DISTRICT_MAP and any(
        dashboard_data.map_for(s.indicator.id, p) is COMMUNE_MAP for p in dashboard_data.periods(s.indicator.id)))
    after = next(p for p in dashboard_data.periods(before.indicator.id)
                 if dashboard_data.map_for(before.indicator.id, p) is COMMUNE_MAP)
    code = before.display["code"].iloc[0]
    before.state.district = code
    assert "cleared-unit-notice" not in kinds(explorer_notices_html(before, "vi", gap=False))
    before.state.year = after  # the commune map, which has no district codes
    assert before.cleared_unit == code and before.state.district == ""
    html = explorer_notices_html(before, "vi", gap=False)
    assert "cleared-unit-notice" in kinds(html) and f"({code})" in html
    before.state.district = before.display["code"].iloc[0]
    assert "cleared-unit-notice" not in kinds(explorer_notices_html(before, "vi", gap=False))


def test_the_pane_follows_the_state(dashboard_data):
    snapshot = snapshot_of(dashboard_data, lang="vi")
    pane = explorer_notices(snapshot)
    assert "Số liệu minh họa" in pane.object
    snapshot.state.lang = "en"
    assert "Illustrative data" in pane.object
