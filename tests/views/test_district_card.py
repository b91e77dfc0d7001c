"""The district card: one template for the server and the browser; a tap drawn in the browser is not re-sent."""

import panel as pn
import pytest
from bokeh.document import Document

from dashboard.model.rank import district_rank, reporting_count
from dashboard.model.snapshot import IndicatorSnapshot
from dashboard.state import new_state
from dashboard.views import browser_code
from dashboard.views.choropleth import ChoroplethView
from dashboard.views.district_card import (
    DistrictCard,
    card_fields,
    card_header,
    card_html,
    district_card_html,
)
from dashboard.views.ranking import RankingView

CASES = [("women_district_council_pct", 2016), ("committee_established", 2018), ("key_leader_female", 2024),
         ("women_district_council_pct", 2021)]


@pytest.mark.parametrize(("indicator_id", "year"), CASES)
def test_the_card_of_every_district_is_built_from_its_fields(dashboard_data, indicator_id, year):
    state = new_state(dashboard_data, indicator=indicator_id, year=year)
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    display, indicator = snapshot.display, snapshot.indicator
    header = card_header(indicator, year, "vi", snapshot.target)
    for row in display.to_dict("records"):
        rank = None if row["value"] != row["value"] else district_rank(display, row["code"], indicator)
        fields = card_fields(row, rank, reporting_count(display["value"]), indicator, "vi", snapshot.target)
        html = card_html(header, fields)
        assert html == district_card_html(display, row["code"], indicator, year, "vi", snapshot.target)
        assert row["name"] in html and row["value_label"] in html
    assert card_html(header, None) == district_card_html(display, "", indicator, year, "vi", snapshot.target)
    assert "district-card empty" in card_html(header, None)


def test_a_missing_value_shows_no_rank_and_no_status(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2021)
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    row = {**snapshot.display.iloc[0].to_dict(), "value": float("nan"), "value_label": "chưa có số liệu",
           "ratio": ""}
    fields = card_fields(row, None, 29, snapshot.indicator, "vi", snapshot.target)
    assert fields["rank_label"] == "" and fields["verdict"] == ""
    html = card_html(card_header(snapshot.indicator, 2021, "vi", snapshot.target), fields)
    assert "card-rank" not in html and "card-status" not in html and "card-ratio" not in html


def test_the_browser_template_fills_every_field_and_escapes_like_the_server():
    template = browser_code.script("period_frames.js")
    template = template[template.index("function cardHtml"):template.index("function entryOf")]
    for field in ("name", "value_label", "ratio", "status_label", "rank", "rank_label", "verdict", "verdict_css"):
        assert f"f.{field}" in template
    for part in ("hint", "indicator", "rank_word", "target", "status_word"):
        assert f"h.{part}" in template
    # html.escape(quote=True) replaces these five; so does escapeHtml.
    escape = browser_code.script("period_frames.js")
    escape = escape[escape.index("function escapeHtml"):escape.index("function cardHtml")]
    for entity in ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"):
        assert entity in escape


@pytest.fixture
def linked(dashboard_data):
    state = new_state(dashboard_data, indicator="women_district_council_pct", year=2016)
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    card = DistrictCard(snapshot=snapshot)
    choropleth = ChoroplethView(snapshot=snapshot, browser_tap=card.shown_in_browser)
    ranking = RankingView(snapshot=snapshot, browser_tap=card.shown_in_browser)
    card.link(choropleth, ranking)
    document = Document()
    document.add_root(pn.Column(choropleth, ranking, card).get_root(document))
    events = []
    document.on_change(lambda event: events.append(event))
    return state, card, choropleth, ranking, events


def test_a_tap_drawn_in_the_browser_is_not_sent_back(linked):
    state, card, choropleth, ranking, events = linked
    assert choropleth.source.selected.js_property_callbacks["change:indices"]
    assert ranking.chart.source.selected.js_property_callbacks["change:indices"]
    hint = card.card.text
    choropleth.source.selected.indices = [choropleth.source.data["code"].index("271")]  # a tap in the browser
    assert state.district == "271"
    # The browser drew the card and the bar's outline from its frames: neither travels back.
    assert card.card.text == hint
    assert not [e for e in events if getattr(e, "model", None) in (card.card, ranking.chart.source)]


def test_a_change_the_browser_did_not_make_still_reaches_the_card_and_the_ranking(linked, dashboard_data):
    state, card, choropleth, ranking, events = linked
    choropleth.source.selected.indices = [choropleth.source.data["code"].index("271")]
    state.district = "005"  # a link, or the search box
    snapshot = card.snapshot
    assert card.card.text == district_card_html(snapshot.display, "005", snapshot.indicator, 2016, "vi",
                                                snapshot.target)
    bars = ranking.chart.source.data
    assert bars["line"][bars["code"].index("005")] == "#111111"
    state.district = "271"  # back to the tapped one, from the server: drawn by the server again
    assert "Ba Vì" in card.card.text
    assert bars["line"][ranking.chart.source.data["code"].index("271")] == "#111111"
    state.param.update(indicator="committee_established", year=2018)
    assert "Có" in card.card.text or "Không" in card.card.text


def test_on_the_new_map_the_card_names_communes_and_wards(dashboard_data):
    state = new_state(dashboard_data, indicator="gender_officers", year=2026, district="00070")
    snapshot = IndicatorSnapshot(state=state, data=dashboard_data)
    card = DistrictCard(snapshot=snapshot)
    assert "xã, phường có số liệu" in card.card.text and "quận, huyện" not in card.card.text
    assert card._profile.name == "Xem hồ sơ xã, phường →"
    state.param.update(indicator="gender_officers", year=2024, district="271")
    assert card._profile.name == "Xem hồ sơ quận, huyện, thị xã →"
    assert "quận, huyện, thị xã có số liệu" in card.card.text
