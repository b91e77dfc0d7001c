"""Fixtures of the importer tests: a catalogue whose indicators are drawn on the 2025 map."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard.catalogue import Catalogue, load_catalogue

# The indicators observed per commune or ward of the 2025 map (issue "Hà Nội as it is now").
COMMUNE_INDICATORS = ("committee_established", "gender_officers", "key_leader_female",
                      "women_commune_council_pct", "women_candidates_commune_council_pct")


def with_commune_level(catalogue: Catalogue) -> Catalogue:
    """`catalogue` with the level `commune` on COMMUNE_INDICATORS; the candidates of the commune
    councils are added, modelled on the district councils', when the catalogue lacks them."""
    indicators = dict(catalogue.indicators)
    if "women_candidates_commune_council_pct" not in indicators:
        model = indicators["women_candidates_district_council_pct"]
        indicators["women_candidates_commune_council_pct"] = dataclasses.replace(
            model, id="women_candidates_commune_council_pct", levels=("commune",),
            name={"vi": "Tỷ lệ nữ ứng cử viên HĐND cấp xã", "en": "Women among commune council candidates"},
        )
    for indicator_id in COMMUNE_INDICATORS:
        indicator = indicators[indicator_id]
        if "commune" not in indicator.levels:
            indicators[indicator_id] = dataclasses.replace(indicator, levels=(*indicator.levels, "commune"))
    return dataclasses.replace(catalogue, indicators=indicators)


@pytest.fixture
def commune_catalogue(monkeypatch) -> Catalogue:
    """The shipped catalogue with the commune level, as the template and the import read it."""
    catalogue = with_commune_level(load_catalogue())
    monkeypatch.setattr("dashboard.importer.template.load_catalogue", lambda: catalogue)
    monkeypatch.setattr("dashboard.importer.pipeline.load_catalogue", lambda: catalogue)
    return catalogue
