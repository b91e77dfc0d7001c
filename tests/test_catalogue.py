"""Tests of the indicator catalogue and the real published figures."""

from __future__ import annotations

import copy
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dashboard.catalogue import (
    BILINGUAL_FIELDS,
    CATALOGUE_PATH,
    FACTS_PATH,
    SHORT_NAME_MAX_CHARS,
    Catalogue,
    load_catalogue,
    load_facts,
    read_catalogue,
)
from dashboard.errors import DataError

REQUIRED_IDS = [
    "committee_established",
    "gender_officers",
    "communes_with_officer_pct",
    "committee_inspected",
    "training_courses",
    "trainees",
    "trainees_female",
    "communication_events",
    "women_candidates_district_council_pct",
    "women_district_council_pct",
    "women_commune_council_pct",
    "key_leader_female",
    "female_cadres_in_planning_pct",
    "screening_women",
    "screening_coverage_pct",
    "population_female",
    "population_male",
    "sex_ratio",
    "population_total",
    "women_city_council_pct",
    "women_city_council_candidates_pct",
    "women_national_assembly_hanoi_pct",
    "women_national_assembly_pct",
    "women_candidates_commune_council_pct",
    "city_council_seats",
    "city_council_candidates",
    "city_council_constituencies",
]

# Indicators drawn on the 126 communes and wards of the map from 1 July 2025.
COMMUNE_IDS = [
    "committee_established",
    "gender_officers",
    "key_leader_female",
    "women_commune_council_pct",
    "women_candidates_commune_council_pct",
]

# Women-elected targets for 2016-2021 are uncertain (30% or 35%), so the catalogue must not
# draw one; for 2021-2026 Resolution 1187/NQ-UBTVQH14 sets an aim of about 30%.
UNCERTAIN_TARGET_IDS = [
    "women_district_council_pct",
    "women_commune_council_pct",
    "women_city_council_pct",
]

FACT_HEADER = "map_id,unit_code,period,indicator_id,value,numerator,denominator,status,source"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def raw_catalogue() -> dict:
    """The real catalogue as plain data, to be broken one field at a time."""
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def write_catalogue(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_facts(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text("\n".join([FACT_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def indicator_entry(document: dict, indicator_id: str) -> dict:
    return next(entry for entry in document["indicators"] if entry["id"] == indicator_id)


# ------------------------------------------------------------ the real catalogue


def test_every_indicator_has_vietnamese_and_english_for_every_text_field(catalogue):
    for indicator in catalogue:
        fields = [*BILINGUAL_FIELDS, "note", "numerator_label", "denominator_label"]
        for field in fields:
            text = getattr(indicator, field)
            if text is None:
                continue
            assert set(text) == {"vi", "en"}, (indicator.id, field)
            assert all(text[lang].strip() for lang in ("vi", "en")), (indicator.id, field)


def test_every_theme_has_vietnamese_and_english_name_and_description(catalogue):
    for theme in catalogue.themes:
        assert set(theme.name) == set(theme.description) == {"vi", "en"}


def test_all_required_indicator_ids_exist(catalogue):
    missing = [indicator_id for indicator_id in REQUIRED_IDS if indicator_id not in catalogue]
    assert missing == []


def test_themes_come_in_the_agreed_order(catalogue):
    assert [theme.id for theme in catalogue.themes] == [
        "committees",
        "capacity",
        "leadership",
        "health",
        "context",
    ]


def test_vietnamese_text_is_nfc_with_real_diacritics(catalogue):
    women_deputies = catalogue.get("women_district_council_pct")
    assert women_deputies.text("name", "vi") == "Tỷ lệ nữ đại biểu HĐND cấp huyện"
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)


def test_percent_indicators_have_numerator_and_denominator_labels_and_percent_unit(catalogue):
    for indicator in catalogue:
        if indicator.is_percent:
            assert indicator.numerator_label and indicator.denominator_label, indicator.id
            assert indicator.unit == {"vi": "%", "en": "%"}, indicator.id


def test_short_names_fit_chart_titles(catalogue):
    for indicator in catalogue:
        assert all(len(indicator.short_name[lang]) <= SHORT_NAME_MAX_CHARS for lang in ("vi", "en"))


def test_election_indicators_are_per_term(catalogue):
    for indicator_id in [
        "women_district_council_pct",
        "women_candidates_district_council_pct",
        "women_national_assembly_pct",
    ]:
        assert catalogue.get(indicator_id).frequency == "term"


def test_city_and_country_figures_are_observed_only_at_their_level(catalogue):
    assert catalogue.get("women_city_council_pct").levels == ("city",)
    assert catalogue.get("women_national_assembly_pct").levels == ("country",)
    assert [indicator.id for indicator in catalogue.for_level("country")] == [
        "women_national_assembly_pct"
    ]


def test_by_theme_groups_every_indicator_once_in_file_order(catalogue):
    groups = catalogue.by_theme()
    assert list(groups) == [theme.id for theme in catalogue.themes]
    assert [indicator.id for group in groups.values() for indicator in group] == list(
        catalogue.indicators
    )
    assert groups["committees"][0].id == "committee_established"


def test_getting_an_unknown_indicator_names_it(catalogue):
    with pytest.raises(KeyError, match="no_such_indicator"):
        catalogue.get("no_such_indicator")


def test_the_default_catalogue_is_parsed_once(catalogue):
    assert load_catalogue() is load_catalogue(str(CATALOGUE_PATH))


def test_indicators_can_be_used_as_dict_keys_and_in_sets(catalogue):
    assert len(set(catalogue)) == len(catalogue)


# ------------------------------------------------------------------- the two maps


def test_the_indicators_of_the_126_unit_map_are_those_of_issue_11(catalogue):
    assert sorted(indicator.id for indicator in catalogue.for_map("hn_communes_2025")) == sorted(COMMUNE_IDS)
    assert catalogue.for_map("hn_communes_2025") == catalogue.for_level("commune")
    with pytest.raises(ValueError, match="hn_city"):
        catalogue.for_map("hn_city")


def test_district_indicators_stay_on_the_district_map(catalogue):
    on_districts = [indicator.id for indicator in catalogue.for_map("hn_districts_2014")]
    assert "women_candidates_commune_council_pct" not in on_districts
    assert {"committee_established", "women_commune_council_pct", "trainees"} <= set(on_districts)
    assert catalogue.get("women_commune_council_pct").is_on_map("hn_districts_2014")
    assert not catalogue.get("women_city_council_pct").is_on_map("hn_communes_2025")


@pytest.mark.parametrize("indicator_id", ["committee_established", "gender_officers", "key_leader_female"])
def test_definitions_say_which_level_applies_on_which_map(catalogue, indicator_id):
    definition = catalogue.get(indicator_id).definition
    assert "2024" in definition["vi"] and "30 quận, huyện, thị xã" in definition["vi"]
    assert "2025" in definition["vi"] and "126 xã, phường" in definition["vi"]
    assert "30-district map" in definition["en"] and "126-unit map" in definition["en"]


def test_commune_councils_say_which_units_they_count_in_each_term(catalogue):
    formula = catalogue.get("women_commune_council_pct").formula["en"]
    assert "2021–2026 (30-district map)" in formula and "2026–2031 (126-unit map)" in formula


def test_a_city_value_can_be_derived_from_commune_figures_alone(tmp_path, raw_catalogue):
    entry = indicator_entry(raw_catalogue, "women_candidates_commune_council_pct")
    assert entry["levels"] == ["commune", "city"] and entry["city_aggregate"] == "ratio_of_sums"
    entry["levels"] = ["commune"]
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert (caught.value.row, caught.value.column) == ("women_candidates_commune_council_pct", "city_aggregate")


# --------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("period", "value", "deadline"),
    [(2021, 60, 2025), (2025, 60, 2025), (2026, 75, 2030), (2030, 75, 2030)],
)
def test_key_leader_target_is_the_nearest_deadline(catalogue, period, value, deadline):
    target = catalogue.get("key_leader_female").target_for(period, "city")
    assert (target.value, target.year) == (value, deadline)
    assert "28/NQ-CP" in target.basis["vi"]


@pytest.mark.parametrize("period", [2016, 2020, 2031])
def test_key_leader_target_does_not_apply_outside_the_2021_2030_strategy(catalogue, period):
    assert catalogue.get("key_leader_female").target_for(period, "city") is None


def test_a_yes_no_indicator_has_no_target_per_district(catalogue):
    assert catalogue.get("key_leader_female").target_for(2024, "district") is None


def test_planning_pool_targets_are_40_then_50_percent_from_2021(catalogue):
    planning = catalogue.get("female_cadres_in_planning_pct")
    assert planning.target_for(2024, "district").value == 40
    assert planning.target_for(2027, "city").value == 50
    assert planning.target_for(2020, "district") is None


@pytest.mark.parametrize(
    ("term", "resolution"), [(2016, "1132/NQ-UBTVQH13"), (2021, "1187/NQ-UBTVQH14")]
)
@pytest.mark.parametrize(
    "indicator_id", ["women_candidates_district_council_pct", "women_city_council_candidates_pct"]
)
def test_candidate_lists_must_be_35_percent_women_under_each_terms_resolution(
    catalogue, indicator_id, term, resolution
):
    target = catalogue.get(indicator_id).target_for(term, "city")
    assert (target.value, target.year) == (35, term)
    assert resolution in target.basis["vi"]
    # The People's Council clause of the election law, not the National Assembly's art. 8(3).
    assert "Điều 9 khoản 3" in target.basis["vi"] and "art. 9(3)" in target.basis["en"]


@pytest.mark.parametrize(
    "indicator_id", ["women_candidates_district_council_pct", "women_city_council_candidates_pct"]
)
@pytest.mark.parametrize("term", [2011, 2026])
def test_no_candidate_target_for_terms_no_resolution_here_covers(catalogue, indicator_id, term):
    assert catalogue.get(indicator_id).target_for(term, "city") is None


def test_every_district_committee_must_be_consolidated_under_plan_45(catalogue):
    target = catalogue.get("committee_established").target_for(2016, "city")
    assert (target.value, target.year) == (100, 2016)
    assert "45/KH-UBND" in target.basis["vi"]


def test_plan_45_is_not_applied_to_the_commune_committees_of_2025(catalogue):
    committees = catalogue.get("committee_established")
    assert committees.target_for(2024, "city").value == 100
    assert committees.target_for(2025, "city") is None and committees.target_for(2026, "city") is None
    assert "không vẽ" in committees.note["vi"] and "none is drawn" in committees.note["en"]


def test_the_2025_key_leader_target_of_60_percent_applies_on_the_new_map(catalogue):
    key_leader = catalogue.get("key_leader_female")
    assert key_leader.is_on_map("hn_communes_2025")
    assert key_leader.target_for(2025, "city").value == 60
    assert key_leader.target_for(2026, "city").value == 75
    assert "60%" in key_leader.note["en"] and "126-unit map" in key_leader.note["en"]


@pytest.mark.parametrize(
    "indicator_id", ["women_candidates_commune_council_pct", "women_city_council_candidates_pct"]
)
def test_the_2026_candidate_quota_is_not_verified_so_no_target_is_shown(catalogue, indicator_id):
    indicator = catalogue.get(indicator_id)
    assert indicator.target_for(2026, "city") is None and indicator.target_for(2026, "district") is None
    assert "chưa xác minh" in indicator.note["vi"] and "not verified" in indicator.note["en"]


def test_no_commune_council_target_is_drawn_for_2026(catalogue):
    councils = catalogue.get("women_commune_council_pct")
    assert councils.target_for(2026, "city") is None
    assert "2026–2031" in councils.note["en"] and "none is drawn" in councils.note["en"]


@pytest.mark.parametrize("indicator_id", UNCERTAIN_TARGET_IDS)
def test_uncertain_women_elected_target_is_not_drawn_but_explained(catalogue, indicator_id):
    indicator = catalogue.get(indicator_id)
    assert indicator.target_for(2016, "city") is None
    assert "30%" in indicator.note["en"] and "35%" in indicator.note["en"]


@pytest.mark.parametrize("indicator_id", UNCERTAIN_TARGET_IDS)
def test_2021_term_aims_for_about_30_percent_women_elected(catalogue, indicator_id):
    target = catalogue.get(indicator_id).target_for(2021, "city")
    assert (target.value, target.year) == (30, 2021)
    assert "1187/NQ-UBTVQH14" in target.basis["vi"]
    assert catalogue.get(indicator_id).target_for(2026, "city") is None


def test_every_target_says_from_which_period_it_applies(catalogue):
    targets = [target for indicator in catalogue for target in indicator.targets]
    assert targets and all(target.applies_from is not None for target in targets)


def test_trainees_have_no_numeric_target_but_the_note_cites_decision_1696(catalogue):
    trainees = catalogue.get("trainees")
    assert trainees.targets == ()
    assert "1696/QĐ-TTg" in trainees.text("note", "vi")


# ---------------------------------------------------------- broken catalogues


def test_a_missing_catalogue_file_is_named(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(DataError) as caught:
        read_catalogue(path)
    assert str(path) in str(caught.value)
    assert "không tìm thấy" in str(caught.value)


def test_invalid_yaml_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "indicators.yaml"
    path.write_text("themes:\n  - id: committees\n    name: {vi: 'Bộ máy'\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_catalogue(path)
    assert str(path) in caught.value.message("en")
    assert "YAML" in caught.value.message("en")
    assert caught.value.row is not None


def test_a_missing_english_name_names_the_indicator_and_the_field(tmp_path, raw_catalogue):
    del indicator_entry(raw_catalogue, "trainees")["name"]["en"]
    path = write_catalogue(tmp_path, raw_catalogue)
    with pytest.raises(DataError) as caught:
        read_catalogue(path)
    error = caught.value
    assert (error.row, error.column) == ("trainees", "name.en")
    assert str(path) in error.message("vi") and "name.en" in error.message("vi")


def test_an_empty_vietnamese_text_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "trainees")["definition"]["vi"] = "  "
    with pytest.raises(DataError, match="definition.vi"):
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))


def test_decomposed_diacritics_are_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "trainees")["name"]["vi"] = unicodedata.normalize(
        "NFD", "Người được tập huấn"
    )
    with pytest.raises(DataError, match="NFC"):
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))


def test_an_unknown_kind_names_the_field_and_the_value(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "trainees")["kind"] = "people"
    path = write_catalogue(tmp_path, raw_catalogue)
    with pytest.raises(DataError) as caught:
        read_catalogue(path)
    error = caught.value
    assert (error.row, error.column, error.value) == ("trainees", "kind", "people")
    assert str(path) in str(error)


def test_a_duplicate_id_is_refused(tmp_path, raw_catalogue):
    raw_catalogue["indicators"].append(copy.deepcopy(indicator_entry(raw_catalogue, "trainees")))
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert (caught.value.row, caught.value.column) == ("trainees", "id")
    assert "duplicate" in caught.value.message("en")


def test_an_id_with_capitals_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "trainees")["id"] = "Trainees"
    with pytest.raises(DataError, match="id"):
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))


def test_an_unknown_theme_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "trainees")["theme"] = "training"
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert caught.value.column == "theme"


def test_a_misspelt_field_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "trainees")["frequncy"] = "annual"
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert caught.value.column == "frequncy"


def test_a_percent_target_above_100_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "female_cadres_in_planning_pct")["targets"][0]["value"] = 140
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert caught.value.column == "targets[0].value"


def test_a_target_without_its_first_period_is_refused(tmp_path, raw_catalogue):
    del indicator_entry(raw_catalogue, "key_leader_female")["targets"][0]["applies_from"]
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert (caught.value.row, caught.value.column) == ("key_leader_female", "targets[0].applies_from")


def test_a_target_that_starts_after_its_deadline_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "key_leader_female")["targets"][0]["applies_from"] = 2026
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert caught.value.column == "targets[0].applies_from"
    assert "2025" in caught.value.reason_en


def test_a_target_that_ends_before_it_starts_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "key_leader_female")["targets"][1]["applies_until"] = 2019
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert caught.value.column == "targets[1].applies_until"


def test_a_non_numeric_target_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "key_leader_female")["targets"][1]["value"] = "75%"
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert (caught.value.row, caught.value.column) == ("key_leader_female", "targets[1].value")


def test_a_percent_indicator_without_denominator_label_is_refused(tmp_path, raw_catalogue):
    del indicator_entry(raw_catalogue, "screening_coverage_pct")["denominator_label"]
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert caught.value.column == "denominator_label"


def test_an_aggregate_that_does_not_fit_the_kind_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "women_district_council_pct")["city_aggregate"] = "sum"
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert caught.value.column == "city_aggregate"


def test_an_unknown_level_is_refused(tmp_path, raw_catalogue):
    indicator_entry(raw_catalogue, "trainees")["levels"] = ["district", "province"]
    with pytest.raises(DataError) as caught:
        read_catalogue(write_catalogue(tmp_path, raw_catalogue))
    assert (caught.value.column, caught.value.value) == ("levels", "province")


# ----------------------------------------------------------------------- facts


def test_facts_load_with_string_codes_integer_periods_and_float_numbers():
    facts = load_facts()
    assert facts["unit_code"].tolist().count("01") >= 1
    assert pd.api.types.is_integer_dtype(facts["period"])
    assert all(
        pd.api.types.is_float_dtype(facts[column])
        for column in ["value", "numerator", "denominator"]
    )
    assert set(facts["status"]) <= {"official", "provisional", "illustrative"}
    assert (facts["source"].str.len() > 0).all()
    assert not facts["source"].str.contains("http").any()


def test_the_2016_district_councils_of_the_whole_city_had_356_women_of_1183():
    facts = load_facts()
    fact = facts[
        (facts["indicator_id"] == "women_district_council_pct") & (facts["period"] == 2016)
    ]
    assert len(fact) == 1
    row = fact.iloc[0]
    assert (row["map_id"], row["unit_code"]) == ("hn_city", "01")
    assert (row["numerator"], row["denominator"], row["value"]) == (356, 1183, 30.09)
    assert row["status"] == "official"
    assert "hanoimoi.vn" in row["source"]


def test_national_assembly_facts_belong_to_the_country():
    facts = load_facts()
    national = facts[facts["indicator_id"] == "women_national_assembly_pct"].set_index("period")
    assert set(national["map_id"]) == {"vn_country"}
    assert national.loc[2021, "numerator"] == 151 and national.loc[2021, "denominator"] == 499


def test_a_numerator_above_the_denominator_names_the_row_and_the_column(tmp_path):
    path = write_facts(
        tmp_path,
        "hn_city,01,2016,women_city_council_pct,23.81,25,105,official,hanoimoi.vn",
        "hn_city,01,2021,women_city_council_pct,100.00,95,24,official,hoilhpn.org.vn",
    )
    with pytest.raises(DataError) as caught:
        load_facts(path)
    error = caught.value
    assert (error.row, error.column) == (3, "numerator")
    assert "dòng 3" in error.message("vi") and "cột numerator" in error.message("vi")
    assert str(path) in error.message("en")


def test_a_value_that_does_not_match_its_counts_is_refused(tmp_path):
    path = write_facts(
        tmp_path, "hn_city,01,2016,women_city_council_pct,32.81,25,105,official,hanoimoi.vn"
    )
    with pytest.raises(DataError) as caught:
        load_facts(path)
    assert (caught.value.row, caught.value.column) == (2, "value")
    assert "23.81" in caught.value.message("en")


def test_a_fact_for_an_unknown_indicator_is_refused(tmp_path):
    path = write_facts(
        tmp_path, "hn_city,01,2016,women_mayors_pct,23.81,25,105,official,hanoimoi.vn"
    )
    with pytest.raises(DataError) as caught:
        load_facts(path)
    assert (caught.value.row, caught.value.column) == (2, "indicator_id")


def test_an_unknown_status_is_refused(tmp_path):
    path = write_facts(
        tmp_path, "hn_city,01,2016,women_city_council_pct,23.81,25,105,estimated,hanoimoi.vn"
    )
    with pytest.raises(DataError) as caught:
        load_facts(path)
    assert (caught.value.row, caught.value.column, caught.value.value) == (2, "status", "estimated")


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "map_id,unit_code,period,indicator_id,value\nhn_city,01,2016,sex_ratio,98.0\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_facts(path)
    assert (caught.value.row, caught.value.column) == (1, "numerator")


def test_a_missing_facts_file_is_named(tmp_path):
    path = tmp_path / "facts.csv"
    with pytest.raises(DataError, match="facts.csv"):
        load_facts(path)


def _city_facts(indicator_id: str) -> pd.DataFrame:
    facts = load_facts()
    return facts[(facts["map_id"] == "hn_city") & (facts["indicator_id"] == indicator_id)].set_index("period")


def test_the_2026_city_council_has_125_seats_205_candidates_and_31_constituencies():
    for indicator_id, value in [
        ("city_council_seats", 125), ("city_council_candidates", 205), ("city_council_constituencies", 31),
    ]:
        fact = _city_facts(indicator_id).loc[2026]
        assert fact["value"] == value, indicator_id
        assert fact["status"] == "official" and "vietnamplus.vn" in fact["source"]
    seats = _city_facts("city_council_seats")["value"]
    assert seats.to_dict() == {2016: 105, 2021: 95, 2026: 125}
    # The seats agree with the denominators of the women's shares of the same terms.
    women = _city_facts("women_city_council_pct")["denominator"]
    assert women.to_dict() == {2016: 105, 2021: 95}


def test_the_2026_share_of_women_candidates_is_provisional_without_n_or_n():
    fact = _city_facts("women_city_council_candidates_pct").loc[2026]
    assert (fact["value"], fact["status"]) == (43.1, "provisional")
    assert pd.isna(fact["numerator"]) and pd.isna(fact["denominator"])
    assert "vtcnews.vn" in fact["source"] and "dantri.com.vn" in fact["source"]
    # 107 women is 43.1% of the earlier list of 248, not of the official 205.
    assert "248" in fact["source"]


def test_no_2026_figure_of_women_elected_is_shown_as_none_is_known():
    facts = load_facts()
    assert facts[(facts["period"] == 2026) & facts["indicator_id"].str.startswith("women_")
                 & ~facts["indicator_id"].str.contains("candidates")].empty
    assert 2026 not in _city_facts("women_city_council_pct").index


def test_a_commune_figure_must_have_a_five_digit_code_and_a_period_of_the_new_map(tmp_path):
    good = write_facts(tmp_path, "hn_communes_2025,00004,2026,key_leader_female,1,,,official,x")
    assert load_facts(good)["unit_code"].tolist() == ["00004"]
    short = write_facts(tmp_path, "hn_communes_2025,001,2026,key_leader_female,1,,,official,x")
    with pytest.raises(DataError) as caught:
        load_facts(short)
    assert (caught.value.row, caught.value.column, caught.value.value) == (2, "unit_code", "001")
    early = write_facts(tmp_path, "hn_communes_2025,00004,2024,key_leader_female,1,,,official,x")
    with pytest.raises(DataError) as caught:
        load_facts(early)
    assert (caught.value.row, caught.value.column) == (2, "map_id")
    assert "hn_districts_2014" in caught.value.message("en") and "30 quận" in caught.value.message("vi")


def test_a_district_figure_of_2025_is_refused_as_2025_is_drawn_on_the_new_map(tmp_path):
    path = write_facts(tmp_path, "hn_districts_2014,001,2025,key_leader_female,1,,,official,x")
    with pytest.raises(DataError) as caught:
        load_facts(path)
    assert (caught.value.row, caught.value.column) == (2, "map_id")
    assert "hn_communes_2025" in caught.value.message("en")


def test_an_indicator_not_drawn_on_the_new_map_is_refused_there(tmp_path):
    path = write_facts(tmp_path, "hn_communes_2025,00004,2025,trainees,10,,,official,x")
    with pytest.raises(DataError) as caught:
        load_facts(path)
    assert (caught.value.column, caught.value.value) == ("map_id", "hn_communes_2025")
    assert "commune" in caught.value.message("en")


def test_the_shipped_facts_file_is_utf8_without_byte_order_mark():
    assert not FACTS_PATH.read_bytes().startswith(b"\xef\xbb\xbf")


def test_facts_and_imports_share_one_rule_set_and_one_tolerance(tmp_path):
    from dashboard.importer.validate import percent_rules

    # Typed with one decimal, 30.1 may lie half a unit from 356/1183 × 100 = 30.09.
    loose = write_facts(tmp_path, "hn_city,01,2016,women_district_council_pct,30.1,356,1183,official,x")
    assert load_facts(loose)["value"].tolist() == [30.1]
    wrong = write_facts(tmp_path, "hn_city,01,2016,women_district_council_pct,30.2,356,1183,official,x")
    with pytest.raises(DataError) as caught:
        load_facts(wrong)
    indicator = load_catalogue().get("women_district_council_pct")
    (rule,) = percent_rules(indicator, 30.2, 356.0, 1183.0, decimals=1)
    assert (caught.value.column, caught.value.reason_vi, caught.value.reason_en) == (rule.part, rule.vi, rule.en)
    # A count is a whole number, in the facts as in an import.
    half = write_facts(tmp_path, "hn_city,01,2016,women_district_council_pct,30.09,356.5,1183,official,x")
    with pytest.raises(DataError) as caught:
        load_facts(half)
    assert caught.value.column == "numerator" and "whole number" in caught.value.reason_en

