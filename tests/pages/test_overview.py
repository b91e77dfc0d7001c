"""The overview shows one KPI card per headline indicator and opens the theme page on tap."""

from dashboard.model.kpi import HEADLINE_INDICATORS, indicator_kpi
from dashboard.pages.overview import OverviewPage, kpi_card_html, overview_years
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
    assert len(page._cards.objects) == count


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
