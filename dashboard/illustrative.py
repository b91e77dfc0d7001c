"""Deterministic, plausible, clearly labelled illustrative district data.

District-level figures for the plan are not public. Until data officers import real
figures, the dashboard shows these generated values, always labelled "minh họa /
illustrative". Where a real city total is known, the districts add up to it exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .geo import DISTRICT_MAP_ID

# One fixed seed: the same data on every machine, so screenshots, tests and decks agree.
SEED = 45_2016
ANNUAL_YEARS = range(2016, 2025)
ELECTION_TERMS = (2011, 2016, 2021)
# The 2015-2019 screening project ran in these plan years.
SCREENING_YEARS = range(2016, 2020)
# Resolution 97/2019/QH14 (art. 1(1)) piloted urban government in Hà Nội: from 1 July 2021
# the wards (phường) of the urban districts and of Sơn Tây town have no People's Council,
# while the city, every quận, huyện and thị xã, every xã and thị trấn keep theirs. So from
# the 2021-2026 term district councils exist everywhere, but commune-level councils exist
# only in xã and thị trấn: none in a quận (all its units are wards), 6 of 15 in Sơn Tây.
NO_WARD_COUNCIL_FROM_TERM = 2021
# Wards among the commune-level units of a thị xã (1 Jan 2020). Sơn Tây had 9 wards and 6
# communes: the 177 wards whose councils ended are the 168 of the 12 quận plus these 9
# (Government portal hanoicapital.chinhphu.vn on Resolution 97/2019/QH14).
TOWN_WARDS_2020 = {"269": 9}
# District People's Councils: 30 seats plus one per 10,000 people above 80,000, at most 40.
DISTRICT_SEATS_MIN, DISTRICT_SEATS_MAX = 30, 40

ILLUSTRATIVE_SOURCE = (
    f"Số liệu minh họa, sinh tự động (seed {SEED}) / Illustrative data, generated (seed {SEED})"
)
ILLUSTRATIVE = "illustrative"


def apportion(total: int, weights: np.ndarray, upper: np.ndarray, lower: np.ndarray | None = None) -> np.ndarray:
    """Split an integer total in proportion to weights, within per-unit bounds.

    Largest-remainder rounding, repeated while bounds bind, so the parts always add up to
    the total exactly. Used to make district figures sum to known city totals.
    """
    weights = np.asarray(weights, dtype=float)
    upper = np.asarray(upper, dtype=int)
    lower = np.zeros_like(upper) if lower is None else np.asarray(lower, dtype=int)
    if not lower.sum() <= total <= upper.sum():
        raise ValueError(f"cannot split {total} within bounds {lower.sum()}..{upper.sum()}")
    parts = lower.copy()
    while parts.sum() < total:
        room = upper - parts
        open_units = room > 0
        remaining = total - parts.sum()
        share = np.where(open_units, weights, 0.0)
        ideal = remaining * share / share.sum()
        step = np.minimum(np.floor(ideal).astype(int), room)
        if step.sum() == 0:
            # Hand out single units by largest remainder among units with room.
            order = np.argsort(-(ideal - np.floor(ideal)) - open_units * 1.0, kind="stable")
            for index in order[:remaining]:
                if room[index] > 0:
                    step[index] = 1
        parts += step
    return parts


def _rng(*keys: object) -> np.random.Generator:
    """A generator per (indicator, period), so adding one indicator never changes another."""
    entropy = [SEED] + [abs(hash_text(str(key))) for key in keys]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def hash_text(text: str) -> int:
    """Stable across processes, unlike the built-in hash of a string."""
    value = 0
    for char in text.encode("utf-8"):
        value = (value * 131 + char) % (2**61 - 1)
    return value


def _percent_rows(indicator: str, period: int, codes, numerators, denominators) -> list[dict]:
    return [
        _row(indicator, period, code, 100.0 * n / d if d else np.nan, n, d)
        for code, n, d in zip(codes, numerators, denominators)
    ]


def _row(indicator: str, period: int, code: str, value, numerator=None, denominator=None) -> dict:
    return {
        "map_id": DISTRICT_MAP_ID,
        "unit_code": code,
        "period": period,
        "indicator_id": indicator,
        "value": round(float(value), 2),
        "numerator": None if numerator is None else float(numerator),
        "denominator": None if denominator is None else float(denominator),
        "status": ILLUSTRATIVE,
        "source": ILLUSTRATIVE_SOURCE,
    }


def _city_total(facts: pd.DataFrame, indicator: str, period: int) -> tuple[int, int] | None:
    match = facts[(facts["map_id"] == "hn_city") & (facts["indicator_id"] == indicator)
                  & (facts["period"] == period)]
    if match.empty:
        return None
    fact = match.iloc[0]
    return int(fact["numerator"]), int(fact["denominator"])


def wards_2020(districts: pd.DataFrame) -> np.ndarray:
    """Wards (phường) among each district's commune-level units: all of a quận's, none of a huyện's."""
    urban = (districts["unit_type"] == "quận").to_numpy()
    towns = districts["code"].map(TOWN_WARDS_2020).fillna(0).to_numpy(dtype=int)
    return np.where(urban, districts["communes_2020"].to_numpy(dtype=int), towns)


def communes_with_council(districts: pd.DataFrame, term: int) -> np.ndarray:
    """Commune-level units that elect a People's Council in `term`, per district."""
    communes = districts["communes_2020"].to_numpy(dtype=int)
    if term < NO_WARD_COUNCIL_FROM_TERM:
        return communes
    return communes - wards_2020(districts)


def _council_rows(districts: pd.DataFrame, facts: pd.DataFrame) -> list[dict]:
    """Candidates and deputies of district and commune councils, per election term."""
    rows: list[dict] = []
    codes = districts["code"].to_numpy()
    population = districts["population_2019"].to_numpy(dtype=float)
    legal_seats = np.clip(30 + np.floor((population - 80_000) / 10_000), 30, 40).astype(int)
    for term in ELECTION_TERMS:
        rng = _rng("district_council", term)
        mean_share = {2011: 0.26, 2016: 0.30, 2021: 0.32}[term]
        known = _city_total(facts, "women_district_council_pct", term)
        if known:
            women_total, seats_total = known
            seats = apportion(seats_total, legal_seats, np.full(len(codes), DISTRICT_SEATS_MAX),
                              np.full(len(codes), DISTRICT_SEATS_MIN))
        else:
            seats = legal_seats - rng.integers(0, 2, len(codes))
            women_total = int(round(seats.sum() * mean_share))
        share = rng.beta(mean_share * 40, (1 - mean_share) * 40, len(codes))
        women = apportion(women_total, share * seats, seats)
        # Official candidate lists are longer than the seats: roughly 1.5 to 2 per seat.
        candidates = np.ceil(seats * rng.uniform(1.5, 1.9, len(codes))).astype(int)
        men_elected = seats - women
        women_candidates = np.maximum(
            np.round(candidates * rng.uniform(0.34, 0.44, len(codes))).astype(int), women)
        women_candidates = np.minimum(women_candidates, candidates - men_elected)
        rows += _percent_rows("women_district_council_pct", term, codes, women, seats)
        rows += _percent_rows("women_candidates_district_council_pct", term, codes,
                              women_candidates, candidates)

        communes = communes_with_council(districts, term)
        has_council = communes > 0
        rng = _rng("commune_council", term)
        known = _city_total(facts, "women_commune_council_pct", term)
        per_commune = rng.uniform(24, 30, len(codes))
        if known:
            women_total, seats_total = known
            seats = apportion(seats_total, communes * per_commune, communes * 35, communes * 15)
        else:
            seats = np.round(communes * per_commune).astype(int)
            women_total = int(round(seats[has_council].sum() * (mean_share - 0.01)))
        share = rng.beta(mean_share * 40, (1 - mean_share) * 40, len(codes))
        women = apportion(women_total, np.where(has_council, share * seats, 0),
                          np.where(has_council, seats, 0))
        keep = has_council
        rows += _percent_rows("women_commune_council_pct", term, codes[keep], women[keep], seats[keep])
    return rows


def _annual_rows(districts: pd.DataFrame) -> list[dict]:
    rows: list[dict] = []
    codes = districts["code"].to_numpy()
    communes = districts["communes_2020"].to_numpy(dtype=int)
    count = len(codes)
    setup = _rng("committee_established")
    # Most committees were consolidated when the plan started, the rest within two years.
    established_in = setup.choice([2016, 2017, 2018], size=count, p=[0.75, 0.17, 0.08])
    leaders = _rng("key_leader_female")
    # Leadership changes mainly with the 2016 and 2021 terms; the baseline is about 24%.
    leader_2016 = leaders.random(count) < 0.25
    leader_2021 = leader_2016 | (leaders.random(count) < 0.25)
    officer_share = _rng("communes_with_officer_pct").uniform(0.55, 0.85, count)
    for year in ANNUAL_YEARS:
        rng = _rng("annual", year)
        progress = (year - ANNUAL_YEARS.start) / (ANNUAL_YEARS.stop - ANNUAL_YEARS.start - 1)
        for code, established in zip(codes, established_in <= year):
            rows.append(_row("committee_established", year, code, float(established)))
        for code, inspected in zip(codes, rng.random(count) < 0.3 + 0.3 * progress):
            rows.append(_row("committee_inspected", year, code, float(inspected)))
        for code, officers in zip(codes, rng.integers(1, 3, count) + (rng.random(count) < progress)):
            rows.append(_row("gender_officers", year, code, officers))
        share = np.minimum(1.0, officer_share + (1 - officer_share) * progress * rng.uniform(0.6, 1.0, count))
        with_officer = np.minimum(np.round(communes * share).astype(int), communes)
        rows += _percent_rows("communes_with_officer_pct", year, codes, with_officer, communes)
        courses = rng.integers(2, 9, count) + np.round(4 * progress).astype(int)
        trainees = courses * rng.integers(25, 45, count)
        trainees_female = np.round(trainees * rng.uniform(0.55, 0.75, count)).astype(int)
        for code, c, t, f in zip(codes, courses, trainees, trainees_female):
            rows.append(_row("training_courses", year, code, c))
            rows.append(_row("trainees", year, code, t))
            rows.append(_row("trainees_female", year, code, f))
        for code, events in zip(codes, rng.integers(20, 80, count) + np.round(60 * progress).astype(int)):
            rows.append(_row("communication_events", year, code, events))
        has_leader = leader_2021 if year >= 2021 else leader_2016
        for code, woman in zip(codes, has_leader):
            rows.append(_row("key_leader_female", year, code, float(woman)))
        pool = rng.integers(40, 120, count)
        female_pool = np.round(pool * rng.uniform(0.25 + 0.08 * progress, 0.38 + 0.1 * progress, count))
        rows += _percent_rows("female_cadres_in_planning_pct", year, codes, female_pool.astype(int), pool)
        if year in SCREENING_YEARS:
            population = districts["population_2019"].to_numpy(dtype=float)
            # Target group: women aged 30-54 registered for the project, roughly 15% of residents.
            target_group = np.round(population * rng.uniform(0.13, 0.17, count)).astype(int)
            screened = np.round(target_group * rng.uniform(0.05, 0.2, count)).astype(int)
            for code, screened_women in zip(codes, screened):
                rows.append(_row("screening_women", year, code, screened_women))
            rows += _percent_rows("screening_coverage_pct", year, codes, screened, target_group)
    return rows


def generate(districts: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Illustrative observations for every district indicator, 2016-2024 and three terms.

    `districts` needs code, unit_type, communes_2020 and population_2019; `facts` holds the
    official city totals that district figures must add up to.
    """
    districts = districts.sort_values("code").reset_index(drop=True)
    rows = _council_rows(districts, facts) + _annual_rows(districts)
    return pd.DataFrame(rows)


def census_population(districts: pd.DataFrame) -> pd.DataFrame:
    """The 2019 census population per district: real, official figures."""
    return pd.DataFrame(
        {
            "map_id": DISTRICT_MAP_ID,
            "unit_code": districts["code"].to_numpy(),
            "period": 2019,
            "indicator_id": "population_total",
            "value": districts["population_2019"].astype(float).to_numpy(),
            "numerator": None,
            "denominator": None,
            "status": "official",
            "source": "Tổng điều tra dân số và nhà ở 2019, Tổng cục Thống kê",
        }
    )
