"""The data and methods page: bilingual metadata, status counts, real figures and licences."""

from __future__ import annotations

import pandas as pd

from dashboard.catalogue import FACT_STATUSES, load_facts
from dashboard.pages import methods as page
from dashboard.state import new_state


def test_metadata_has_every_field_in_both_languages(dashboard_data):
    frame = page.metadata_frame(dashboard_data.catalogue)
    assert set(frame["indicator_id"]) == set(dashboard_data.catalogue.indicators)
    for column in ("label_vi", "label_en", "vi", "en"):
        assert frame[column].str.strip().astype(bool).all(), column
    # Labels are translated, not copied.
    assert (frame["label_vi"] != frame["label_en"]).all()
    prose = frame[frame["field"].isin(["definition", "formula", "agency", "source"])]
    assert (prose["vi"] != prose["en"]).all()


def test_every_indicator_has_the_gso_core_fields(dashboard_data):
    frame = page.metadata_frame(dashboard_data.catalogue)
    core = {
        "definition",
        "formula",
        "breakdown",
        "frequency",
        "unit",
        "agency",
        "source",
        "targets",
    }
    for indicator_id, fields in frame.groupby("indicator_id")["field"]:
        assert core <= set(fields), indicator_id


def test_targets_carry_year_scope_and_legal_basis(dashboard_data):
    text = page.targets_text(dashboard_data.indicator("key_leader_female"), "vi")
    lines = text.split("\n")
    assert len(lines) == 2
    assert lines[0].startswith(
        "≥ 60% quận, huyện, thị xã có · toàn thành phố · đến năm 2025 · áp dụng 2021 đến 2025 · "
        "Căn cứ: Nghị quyết 28/NQ-CP"
    )
    assert "2030" in lines[1]
    assert (
        page.targets_text(dashboard_data.indicator("gender_officers"), "en") == "no numeric target"
    )


def test_each_target_says_which_periods_it_applies_to(dashboard_data):
    candidates = page.targets_text(dashboard_data.indicator("women_candidates_district_council_pct"), "en")
    assert "applies to the 2016–2021 term · Basis: Resolution 1132/NQ-UBTVQH13" in candidates
    assert "applies to the 2021–2026 term · Basis: Resolution 1187/NQ-UBTVQH14" in candidates
    committees = page.targets_text(dashboard_data.indicator("committee_established"), "vi")
    assert "áp dụng 2016 đến 2024" in committees


def test_status_counts_add_up_to_the_observations(dashboard_data):
    observations = dashboard_data.observations
    counts = page.status_counts(observations, dashboard_data.catalogue)
    assert counts["total"].sum() == len(observations)
    assert (counts[list(FACT_STATUSES)].sum(axis=1) == counts["total"]).all()
    for status in FACT_STATUSES:
        assert counts[status].sum() == (observations["status"] == status).sum()
    assert counts["indicator_id"].tolist() == list(dashboard_data.catalogue.indicators)
    by_id = counts.set_index("indicator_id")
    assert by_id.loc["population_total", "official"] == 30
    assert by_id.loc["women_city_council_candidates_pct", "provisional"] == 1


def test_real_figures_are_the_city_and_country_rows_with_sources(dashboard_data):
    figures = page.real_figures(dashboard_data.observations, dashboard_data.catalogue, "vi")
    facts = load_facts()
    assert len(figures) == len(facts) == 15
    assert figures["source"].str.len().gt(0).all()
    assert set(figures["area"]) == {"Hà Nội", "Cả nước"}
    row = figures[figures["indicator_id"] == "women_district_council_pct"].iloc[0]
    assert (row["period"], row["value"], row["ratio"]) == ("2016–2021", "30,1%", "356/1.183")
    english = page.real_figures(dashboard_data.observations, dashboard_data.catalogue, "en")
    assert "4,510/15,816" in english["ratio"].tolist()


def test_metadata_card_lists_fields_and_periods(dashboard_data):
    html = page.metadata_html(
        dashboard_data.indicator("women_district_council_pct"), dashboard_data, "vi"
    )
    for label in (
        "Khái niệm, định nghĩa",
        "Phương pháp tính",
        "Phân tổ chủ yếu",
        "Kỳ công bố",
        "Cơ quan chịu trách nhiệm",
        "Nguồn số liệu",
        "Ghi chú",
        "Các kỳ có số liệu",
    ):
        assert label in html
    assert "2011–2016, 2016–2021, 2021–2026" in html
    assert "1 chính thức, 90 minh họa" in html


def test_counts_table_totals_and_links(dashboard_data):
    counts = page.status_counts(dashboard_data.observations, dashboard_data.catalogue)
    html = page.status_counts_html(counts, dashboard_data.catalogue, "vi")
    assert f"<b>{len(dashboard_data.observations):,}</b>".replace(",", ".") in html
    assert 'href="?page=methods&amp;indicator=key_leader_female&amp;lang=vi"' in html


def test_licences_and_flags_are_explained(dashboard_data):
    geodata = page.geodata_html("en", pd.Timestamp("2025-03-09", tz="UTC"))
    assert "CC BY 3.0 IGO" in geodata and "2019 Population and Housing Census" in geodata
    assert "09/03/2025" in geodata
    flags = page.status_flags_html("vi")
    assert all(word in flags for word in ("chính thức", "sơ bộ", "minh họa"))


def test_selector_covers_the_catalogue_by_theme(dashboard_data):
    groups = page.indicator_groups(dashboard_data.catalogue, "en")
    ids = [i for options in groups.values() for i in options.values()]
    assert sorted(ids) == sorted(dashboard_data.catalogue.indicators)
    assert "Women in leadership" in groups


def test_selector_and_state_follow_each_other(dashboard_data):
    state = new_state(dashboard_data, page="methods", indicator="key_leader_female")
    view = page.MethodsPage(state=state, data=dashboard_data)
    assert view._selector.value == "key_leader_female"
    view._selector.value = "sex_ratio"
    assert state.indicator == "sex_ratio"
    state.indicator = "trainees"
    assert view._selector.value == "trainees"
    state.lang = "en"
    assert view._selector.label == "Choose an indicator" and view._selector.value == "trainees"


def test_counts_follow_newly_imported_figures(dashboard_data):
    from dashboard.data import DashboardData

    data = DashboardData(
        dashboard_data.catalogue,
        dashboard_data.districts,
        dashboard_data.observations.copy(),
        dashboard_data.version,
    )
    state = new_state(data, page="methods")
    view = page.MethodsPage(state=state, data=data)

    def counts_html() -> str:
        panes = [
            o for o in view._layout.objects if "methods-table" in str(getattr(o, "object", ""))
        ]
        return panes[0].object

    before = counts_html()
    data.replace_observations(data.observations.iloc[:-30], data.version + 1)
    state.data_version = data.version
    after = counts_html()
    assert after != before
    assert f"<b>{len(data.observations):,}</b>".replace(",", ".") in after


# ------------------------------------------------------------------ two maps (issue 11)


def test_maps_section_says_which_map_each_period_uses_and_why():
    from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP, REFORM_NOTE

    for lang in ("vi", "en"):
        text = page.maps_html(lang)
        assert REFORM_NOTE[lang].split(":")[0] in text
        assert "1656/NQ-UBTVQH15" in text
        for map_ in (DISTRICT_MAP, COMMUNE_MAP):
            assert map_.valid_dates(lang) in text
            assert map_.attribution[lang] in text
    assert "2026–2031" in page.maps_html("en")
    assert "đến 30/06/2025" in page.maps_html("vi") and "from 1 July 2025" in page.maps_html("en")


def test_maps_section_explains_the_bridge_approximation():
    vi, en = page.maps_html("vi"), page.maps_html("en")
    assert "ước tính" in vi and "một phần" in vi
    assert "approximate" in en and "partial merge" in en
    assert "never counted as zero" in en


def test_quota_note_follows_the_catalogue(dashboard_data):
    unverified = page.quota_unverified(dashboard_data.catalogue)
    assert unverified == (page.CANDIDATE_QUOTA_INDICATOR in dashboard_data.catalogue)
    assert ("chưa xác minh" in page.maps_html("vi", unverified).lower()) == unverified
    assert "not been verified" in page.maps_html("en", True)


def test_geodata_credits_both_maps():
    from dashboard.maps import COMMUNE_MAP, DISTRICT_MAP

    text = page.geodata_html("en", None)
    assert DISTRICT_MAP.attribution["en"] in text and COMMUNE_MAP.attribution["en"] in text


def test_the_page_shows_the_maps_section(dashboard_data):
    state = new_state(dashboard_data, page="methods", indicator="trainees", lang="en")
    view = page.MethodsPage(state=state, data=dashboard_data)
    panes = [obj for obj in view.__panel__().objects if "methods-maps-pane" in (obj.css_classes or [])]
    assert len(panes) == 1
