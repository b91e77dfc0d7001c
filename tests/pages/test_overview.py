"""The overview shows one KPI card per headline indicator and opens the theme page on tap."""

import panel as pn

from dashboard.model.kpi import HEADLINE_INDICATORS, indicator_kpi
from dashboard.pages.overview import OverviewPage, any_illustrative, kpi_card_html, overview_cards, overview_years
from dashboard.state import new_state


def test_years_offered_are_the_annual_plan_years(dashboard_data):
    assert overview_years(dashboard_data) == list(range(2026, 2015, -1))


def test_card_shows_value_ratio_verdict_and_illustrative_flag(dashboard_data):
    kpi = indicator_kpi(dashboard_data, "key_leader_female", 2024)
    card = kpi_card_html(kpi, "Phụ nữ lãnh đạo", "vi")
    assert f"({int(kpi.numerator)}/30)" in card
    assert "chưa đạt" in card and "Nghị quyết 28/NQ-CP" in card
    assert "minh họa" in card


def test_official_district_council_card_keeps_its_real_ratio(dashboard_data):
    card = kpi_card_html(indicator_kpi(dashboard_data, "women_district_council_pct", 2019), "x", "en")
    assert "356/1,183" in card and "30.1%" in card


def test_tapping_a_card_opens_its_theme_page_with_that_indicator(dashboard_data):
    state = new_state(dashboard_data, page="overview", year=2020)
    page = OverviewPage(state=state, data=dashboard_data)
    page._open("leadership", "key_leader_female")
    assert (state.page, state.indicator) == ("leadership", "key_leader_female")


def test_every_headline_indicator_gets_a_card(dashboard_data):
    page = OverviewPage(state=new_state(dashboard_data), data=dashboard_data)
    count = sum(len(ids) for ids in HEADLINE_INDICATORS.values())
    assert [card["id"] for card in page.cards] == [i for ids in HEADLINE_INDICATORS.values() for i in ids]
    assert len(page.cards) == count


def test_a_press_on_a_cards_button_opens_its_theme(dashboard_data):
    state = new_state(dashboard_data, page="overview", year=2020)
    page = OverviewPage(state=state, data=dashboard_data)
    page._deck.opened = "trainees"  # what the card's button sends
    assert (state.page, state.indicator) == ("capacity", "trainees")
    assert page._deck.opened == ""  # ready for the next press


def test_the_year_choice_and_the_state_follow_each_other(dashboard_data):
    state = new_state(dashboard_data, page="overview", year=2020)
    page = OverviewPage(state=state, data=dashboard_data)
    assert page._deck.year == 2020 and page._deck.years == overview_years(dashboard_data)
    page._deck.year = 2018  # chosen in the browser
    assert state.year == 2018
    assert page.cards == list(overview_cards(dashboard_data, 2018, "vi"))
    state.param.update(year=2024, lang="en")
    assert page._deck.year == 2024 and page._deck.year_label == "Year"
    assert page.cards[0]["label"] == "Details →" and "Committees" in page.cards[0]["html"]


def test_the_illustrative_notice_shows_only_with_illustrative_figures(dashboard_data):
    page = OverviewPage(state=new_state(dashboard_data, year=2024), data=dashboard_data)
    assert "Số liệu minh họa" in page._deck.notice
    assert any_illustrative(dashboard_data, 2024)


def test_sessions_share_the_cards_of_a_data_version(dashboard_data):
    first = OverviewPage(state=new_state(dashboard_data, year=2022), data=dashboard_data)
    second = OverviewPage(state=new_state(dashboard_data, year=2022), data=dashboard_data)
    assert all(a is b for a, b in zip(first.cards, second.cards, strict=True))


def test_the_page_is_one_model_in_the_browser(dashboard_data):
    from bokeh.document import Document

    page = OverviewPage(state=new_state(dashboard_data, year=2022), data=dashboard_data)
    document = Document()
    document.add_root(page.__panel__().get_root(document))
    assert len(document.roots) == 1 and type(document.roots[0]).__name__ == "ReactiveHTML"


def test_a_card_without_a_target_says_so(dashboard_data):
    card = kpi_card_html(indicator_kpi(dashboard_data, "trainees", 2020), "Năng lực", "vi")
    assert "không có mục tiêu định lượng" in card


def test_a_change_against_an_illustrative_term_is_labelled_on_the_card(dashboard_data):
    card = kpi_card_html(indicator_kpi(dashboard_data, "women_district_council_pct", 2019), "x", "vi")
    assert "điểm phần trăm (có số liệu minh họa, không phải thay đổi thật)" in card


def test_a_period_before_the_target_existed_shows_no_status(dashboard_data):
    # The 60% key-leader target (Resolution 28/NQ-CP, 2021) does not judge 2020.
    kpi = indicator_kpi(dashboard_data, "key_leader_female", 2020)
    assert kpi.target is None and kpi.met is None
    card = kpi_card_html(kpi, "x", "vi")
    assert "không có mục tiêu áp dụng cho kỳ này" in card
    assert "chưa đạt" not in card and "28/NQ-CP" not in card


def test_the_offline_copy_shows_the_year_the_notice_and_every_card(dashboard_data):
    page = OverviewPage(state=new_state(dashboard_data, year=2024), data=dashboard_data)
    static = page._deck.offline_view()
    texts = [str(pane.object) for pane in static.select(pn.pane.HTML)]
    assert any("Năm theo dõi</b>: 2024" in text for text in texts)
    assert any('class="notice"' in text and "Số liệu minh họa" in text for text in texts)
    assert sum('class="kpi-card"' in text for text in texts) == len(page.cards)
    assert not static.select(pn.widgets.Widget)  # nothing that needs a server
