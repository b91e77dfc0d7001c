"""The map page's first view: a still picture with the live page's colours, ranks and notices."""

import re
from urllib.parse import unquote

import pandas as pd
import pytest

from dashboard.data import DashboardData
from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP
from dashboard.model.display import district_display
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.state import new_state
from dashboard.views.first_view import MAP_BOX_WIDTH, MAP_TIMING, RANKING_TIMING, first_view_html, unit_paths
from dashboard.views.ranking import CITY_COLOUR, CUT_KEEP, TARGET_COLOUR, is_cut, ranking_cut, ranking_rows


def pictures(page_html: str) -> dict[str, str]:
    """The SVG of each picture of a first view, by its element timing name."""
    found = re.findall(r'<img class="[^"]*" alt="[^"]*" elementtiming="([^"]+)" src="data:image/svg\+xml,([^"]+)">',
                       page_html)
    return {name: unquote(source) for name, source in found}


def fills(svg: str) -> list[str]:
    return re.findall(r"<path d='[^']+' fill='([^']+)'/>", svg)


def bar_names(svg: str) -> list[str]:
    return re.findall(r"text-anchor='end' font-size='13'>([^<]+)</text>", svg)


def snapshot_of(data: DashboardData, **values) -> IndicatorSnapshot:
    return IndicatorSnapshot(state=new_state(data, **values), data=data)


def test_the_map_picture_fills_each_unit_with_its_colour_on_the_live_map(dashboard_data):
    page = first_view_html(dashboard_data, {"page": "map", "indicator": "women_district_council_pct", "year": 2021})
    svg = pictures(page)[MAP_TIMING]
    display, _ = district_display(dashboard_data, dashboard_data.indicator("women_district_council_pct"), 2021, "vi")
    assert fills(svg) == display["color"].tolist()
    assert len(fills(svg)) == DISTRICT_MAP.unit_count


def test_the_commune_map_is_drawn_for_a_period_after_the_reorganisation(dashboard_data):
    indicator = next(i for i in dashboard_data.catalogue.indicators
                     if any(dashboard_data.map_for(i, p) is COMMUNE_MAP for p in dashboard_data.periods(i)))
    period = next(p for p in dashboard_data.periods(indicator) if dashboard_data.map_for(indicator, p) is COMMUNE_MAP)
    page = first_view_html(dashboard_data, {"page": "map", "indicator": indicator, "year": period})
    assert fills(pictures(page)[MAP_TIMING]) == snapshot_of(
        dashboard_data, indicator=indicator, year=period).display["color"].tolist()
    assert len(unit_paths(COMMUNE_MAP.id)[0]) == COMMUNE_MAP.unit_count


def test_every_unit_has_an_outline_inside_the_picture():
    paths, height = unit_paths(DISTRICT_MAP.id)
    for path in paths:
        assert path.startswith("M") and path.endswith("z")
        # Each ring starts at an absolute point in the box, then moves by relative steps.
        for x, y in re.findall(r"M(-?\d+) (-?\d+)", path):
            assert 0 <= int(x) <= MAP_BOX_WIDTH and 0 <= int(y) <= height


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_ranking_picture_lists_the_live_rankings_bars_best_first(dashboard_data, lang):
    values = {"page": "map", "indicator": "women_district_council_pct", "year": 2021, "lang": lang}
    snapshot = snapshot_of(dashboard_data, **values)
    expected = ranking_cut(ranking_rows(snapshot.display, snapshot.indicator))["name"].tolist()[::-1]
    assert bar_names(pictures(first_view_html(dashboard_data, values))[RANKING_TIMING]) == expected


def first_state(data: DashboardData, wanted) -> dict:
    """The first map-page state, over the catalogue's indicators and periods, whose snapshot is `wanted`."""
    found = next((values for indicator in data.catalogue.indicators for period in data.periods(indicator)
                  for values in [{"page": "map", "indicator": indicator, "year": period}]
                  if wanted(snapshot_of(data, **values))), None)
    assert found is not None, "the seeded data has such a state"
    return found


def test_units_without_a_figure_get_no_bar_and_the_no_data_colour(dashboard_data):
    """Missing data is never drawn as a zero-length bar, and the map shows it in its own colour."""
    values = first_state(dashboard_data, lambda snapshot: 0 < snapshot.display["value"].isna().sum()
                         < len(snapshot.display))
    snapshot = snapshot_of(dashboard_data, **values)
    svg = pictures(first_view_html(dashboard_data, values))
    missing = snapshot.display[snapshot.display["value"].isna()]
    assert not set(missing["name"]) & set(bar_names(svg[RANKING_TIMING]))
    colours = dict(zip(snapshot.display["code"], fills(svg[MAP_TIMING])))
    assert {colours[code] for code in missing["code"]} == set(missing["color"])


def test_illustrative_figures_are_labelled_in_the_users_language(dashboard_data):
    for lang, words in (("vi", "minh họa"), ("en", "illustrative")):
        page = first_view_html(dashboard_data, {"page": "map", "lang": lang})
        assert snapshot_of(dashboard_data, lang=lang).shows_illustrative
        notice = re.search(r'<div class="first-view-notice">([^<]+)</div>', page)
        assert notice and words in notice.group(1).lower()
    # It says it is loading, and it is hidden from screen readers, which get the live page.
    assert 'aria-hidden="true"' in page and "Loading the interactive map" in page


def test_the_period_is_settled_as_the_live_page_settles_it(dashboard_data):
    """A year inside an election term shows that term, as the live page will."""
    page = first_view_html(dashboard_data, {"page": "map", "indicator": "women_district_council_pct", "year": 2018})
    assert "2016–2021" in page


@pytest.mark.parametrize("values", [{}, {"page": "overview"}, {"page": "map", "view": "table"},
                                    {"page": "map", "view": "chart"}, {"page": "map", "mode": "present"}])
def test_only_a_page_that_opens_on_the_map_has_a_first_view(dashboard_data, values):
    assert first_view_html(dashboard_data, values) is None


def test_a_new_data_version_draws_the_new_figures(dashboard_data):
    data = DashboardData(dashboard_data.catalogue, dashboard_data.districts, dashboard_data.observations,
                         dashboard_data.version)
    values = {"page": "map", "indicator": "women_district_council_pct", "year": 2021}
    before = fills(pictures(first_view_html(data, values))[MAP_TIMING])
    rows = data.observations["indicator_id"] == "women_district_council_pct"
    changed = data.observations.copy()
    changed.loc[rows, "value"] = pd.NA
    data.replace_observations(changed, data.version + 1)
    after = fills(pictures(first_view_html(data, values))[MAP_TIMING])
    assert before != after and len(set(after)) == 1  # every unit now in the no-data colour


def test_a_cut_ranking_shows_its_ends_and_marks_where_ranks_are_skipped(dashboard_data):
    values = {"page": "map", "indicator": "committee_established", "year": 2026}
    snapshot = snapshot_of(dashboard_data, **values)
    assert snapshot.map is COMMUNE_MAP and is_cut(snapshot.display)
    svg = pictures(first_view_html(dashboard_data, values))[RANKING_TIMING]
    assert len(bar_names(svg)) == 2 * CUT_KEEP
    assert len(re.findall(r"<line x1='0' [^>]*stroke-dasharray", svg)) == 1


def test_the_ranking_picture_draws_the_target_and_city_lines_where_the_live_chart_does(dashboard_data):
    with_lines = first_state(dashboard_data, lambda snapshot: snapshot.indicator.kind == "percent"
                             and snapshot.target is not None and snapshot.city is not None)
    svg = pictures(first_view_html(dashboard_data, with_lines))[RANKING_TIMING]
    assert f"stroke='{TARGET_COLOUR}'" in svg
    assert f"stroke='{CITY_COLOUR}' stroke-width='2' stroke-dasharray='6 4'" in svg  # dashed, as on screen
    # Yes/no answers have no value axis: no lines.
    yes_no = pictures(first_view_html(dashboard_data, {"page": "map", "indicator": "committee_established",
                                                       "year": 2026}))[RANKING_TIMING]
    assert TARGET_COLOUR not in yes_no and CITY_COLOUR not in yes_no


def test_the_selected_unit_is_outlined_on_both_pictures_as_on_the_live_page(dashboard_data):
    from dashboard.views.ranking import SELECTED_LINE

    values = {"page": "map", "indicator": "women_district_council_pct", "year": 2021, "district": "271"}
    svgs = pictures(first_view_html(dashboard_data, values))
    snapshot = snapshot_of(dashboard_data, **values)
    colour = snapshot.display.set_index("code").loc["271", "color"]
    # On the map, drawn last so that no neighbour covers its outline; the others as before.
    outlined = re.findall(rf"<path d='[^']+' fill='([^']+)' stroke='{SELECTED_LINE}' stroke-width='3'/>",
                          svgs[MAP_TIMING])
    assert outlined == [colour] and "stroke-width='3'" in re.findall(r"<path [^>]*>", svgs[MAP_TIMING])[-1]
    assert len(fills(svgs[MAP_TIMING])) == DISTRICT_MAP.unit_count - 1
    # In the ranking, the bar of the unit, and that one only.
    assert svgs[RANKING_TIMING].count(f"stroke='{SELECTED_LINE}' stroke-width='3'") == 1
    name = snapshot.display.set_index("code").loc["271", "name"]
    bar = re.search(rf">{name}</text><rect [^>]*>", svgs[RANKING_TIMING]).group(0)
    assert f"stroke='{SELECTED_LINE}'" in bar
    unselected = pictures(first_view_html(dashboard_data, {**values, "district": ""}))
    assert SELECTED_LINE not in unselected[MAP_TIMING] + unselected[RANKING_TIMING]
