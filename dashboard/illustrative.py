"""Deterministic, plausible, clearly labelled illustrative data for the units of both maps.

District-level figures for the plan are not public, nor are those of the 126 communes and
wards of the map from 1 July 2025. Until data officers import real figures, the dashboard
shows these generated values, always labelled "minh họa / illustrative". Where a real city
total is known, the units add up to it exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import geo, maps
from .errors import DataError
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


def _percent_rows(indicator: str, period: int, codes, numerators, denominators,
                  map_id: str = DISTRICT_MAP_ID) -> list[dict]:
    return [
        _row(indicator, period, code, 100.0 * n / d if d else np.nan, n, d, map_id=map_id)
        for code, n, d in zip(codes, numerators, denominators)
    ]


def _row(indicator: str, period: int, code: str, value, numerator=None, denominator=None,
         map_id: str = DISTRICT_MAP_ID) -> dict:
    return {
        "map_id": map_id,
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


# ------------------------------------------------- the 126 communes and wards (from 1 July 2025)

COMMUNE_MAP_ID = maps.COMMUNE_MAP.id
# Annual figures describe 31 December, so 2025 is the first year drawn on the new map
# (maps.map_for_period); 2026 is the current year.
COMMUNE_ANNUAL_YEARS = (2025, 2026)
# The 2026-2031 term, elected in March 2026, is the first on the new map. Under the
# two-level local government every xã and phường has a People's Council, so all 126 elect one.
COMMUNE_TERMS = (2026,)
# Council sizes of the illustration, larger for more people: (population up to, seats).
# The legal formula for the 2026 councils is not among the project's sources, so these
# classes only keep each council's size plausible; they are not a statement of the law.
COMMUNE_SEAT_CLASSES = ((30_000, 25), (60_000, 28), (100_000, 31), (np.inf, 34))
# Bounds on a council's size when the units must add up to a known city total: wide enough
# that a real total rescales the classes rather than failing.
COMMUNE_SEATS_MIN, COMMUNE_SEATS_MAX = 15, 45
# A seat stays empty where too few candidates won a majority; about one council in ten.
COMMUNE_EMPTY_SEAT_CHANCE = 0.1
# Women elected: near Hà Nội's 28.5% of 2016 (hanoimoi.vn) and the 2021 aim of about 30%.
COMMUNE_WOMEN_ELECTED_SHARE = 0.31
# Women on the lists: around the 39% of commune-council candidates nationally in 2021
# (phunuvietnam.vn).
COMMUNE_WOMEN_CANDIDATE_SHARE = (0.36, 0.46)
# Official lists are longer than the seats (by law at least two more per constituency).
CANDIDATES_PER_SEAT = (1.5, 1.9)
# Commune committees for the advancement of women were set up after 1 July 2025: most by the
# end of 2025, nearly all during 2026 (2027: not yet by the end of 2026).
COMMITTEE_SET_UP_IN = {2025: 0.8, 2026: 0.17, 2027: 0.03}
# A merged commune has a chair and two or three vice-chairs, more posts than before the
# reform; the share with a woman among them stays below the 60% target of 2025 (the 2019
# baseline was 14% of commune People's Committees nationwide).
KEY_LEADER_SHARE_2025 = 0.45
# The councils of the 2026-2031 term elect new People's Committees: most leaders stay.
KEY_LEADER_KEPT_2026 = 0.8


POPULATION_COLUMN = "new_population_sapnhap"


def commune_units(crosswalk: str | Path = geo.COMMUNE_CROSSWALK) -> pd.DataFrame:
    """The 126 units in code order: code, unit_type (phường or xã) and population.

    The population is the one published with the rearrangement (sapnhap.bando.com.vn), read
    from the crosswalk; the generator uses it only to size councils and staff.
    """
    rows = geo.read_crosswalk(crosswalk)
    numbers = pd.to_numeric(rows[POPULATION_COLUMN], errors="coerce")
    wrong = numbers.isna() | (numbers <= 0)
    if wrong.any():
        line = int(wrong.to_numpy().argmax())
        raise DataError(Path(crosswalk).name, "dân số phải là một số nguyên dương.",
                        "the population must be a positive whole number.",
                        row=line + 2, column=POPULATION_COLUMN, value=rows[POPULATION_COLUMN].iloc[line])
    population = numbers.groupby(rows["new_code"]).first()
    units = geo.commune_unit_list()[["code", "unit_type"]]
    # The crosswalk check guarantees each of the 126 units appears in it.
    units["population"] = units["code"].map(population).astype(int)
    return units.sort_values("code").reset_index(drop=True)


def commune_council_seats(units: pd.DataFrame) -> np.ndarray:
    """Seats of each unit's council by its population class (COMMUNE_SEAT_CLASSES)."""
    limits = np.array([limit for limit, _ in COMMUNE_SEAT_CLASSES])
    seats = np.array([seats for _, seats in COMMUNE_SEAT_CLASSES])
    return seats[np.searchsorted(limits, units["population"].to_numpy(dtype=float), side="left")]


def _commune_council_rows(units: pd.DataFrame, facts: pd.DataFrame) -> list[dict]:
    """Deputies and candidates of each unit's People's Council, per term."""
    rows: list[dict] = []
    codes = units["code"].to_numpy()
    count = len(codes)
    class_seats = commune_council_seats(units)
    for term in COMMUNE_TERMS:
        rng = _rng(COMMUNE_MAP_ID, "council", term)
        known = _city_total(facts, "women_commune_council_pct", term)
        if known:
            women_total, seats_total = known
            seats = apportion(seats_total, class_seats, np.full(count, COMMUNE_SEATS_MAX),
                              np.full(count, COMMUNE_SEATS_MIN))
        else:
            seats = class_seats - (rng.random(count) < COMMUNE_EMPTY_SEAT_CHANCE)
            women_total = int(round(seats.sum() * COMMUNE_WOMEN_ELECTED_SHARE))
        share = rng.beta(COMMUNE_WOMEN_ELECTED_SHARE * 40, (1 - COMMUNE_WOMEN_ELECTED_SHARE) * 40, count)
        women = apportion(women_total, share * seats, seats)
        men_elected = seats - women

        per_seat = rng.uniform(*CANDIDATES_PER_SEAT, count)
        listed_share = rng.uniform(*COMMUNE_WOMEN_CANDIDATE_SHARE, count)
        known = _city_total(facts, "women_candidates_commune_council_pct", term)
        if known:
            women_listed_total, listed_total = known
            candidates = apportion(listed_total, seats * per_seat, seats * 2, seats + 2)
            women_listed = apportion(women_listed_total, candidates * listed_share,
                                     candidates - men_elected, women)
        else:
            candidates = np.ceil(class_seats * per_seat).astype(int)
            # Every woman elected was on the list, and so was every man elected.
            women_listed = np.clip(np.round(candidates * listed_share).astype(int), women,
                                   candidates - men_elected)
        rows += _percent_rows("women_commune_council_pct", term, codes, women, seats, COMMUNE_MAP_ID)
        rows += _percent_rows("women_candidates_commune_council_pct", term, codes, women_listed, candidates,
                              COMMUNE_MAP_ID)
    return rows


def _commune_annual_rows(units: pd.DataFrame) -> list[dict]:
    """Committees, gender-equality staff and key leaders of each unit, 2025 and 2026."""
    codes = units["code"].to_numpy()
    count = len(codes)
    population = units["population"].to_numpy(dtype=float)

    setup = _rng(COMMUNE_MAP_ID, "committee_established")
    set_up_in = setup.choice(list(COMMITTEE_SET_UP_IN), size=count, p=list(COMMITTEE_SET_UP_IN.values()))

    staff = _rng(COMMUNE_MAP_ID, "gender_officers")
    # At least one official per unit; the larger ones more often two, a few more during 2026.
    officers_2025 = 1 + (staff.random(count) < np.where(population > 60_000, 0.5, 0.25))
    officers = {2025: officers_2025, 2026: officers_2025 + (staff.random(count) < 0.2)}

    leaders = _rng(COMMUNE_MAP_ID, "key_leader_female")
    leader_2025 = leaders.random(count) < KEY_LEADER_SHARE_2025
    kept = leaders.random(count) < KEY_LEADER_KEPT_2026
    leader = {2025: leader_2025, 2026: np.where(kept, leader_2025, leaders.random(count) < 0.5)}

    rows: list[dict] = []
    for year in COMMUNE_ANNUAL_YEARS:
        for code, established in zip(codes, set_up_in <= year):
            rows.append(_row("committee_established", year, code, float(established), map_id=COMMUNE_MAP_ID))
        for code, people in zip(codes, officers[year]):
            rows.append(_row("gender_officers", year, code, people, map_id=COMMUNE_MAP_ID))
        for code, woman in zip(codes, leader[year]):
            rows.append(_row("key_leader_female", year, code, float(woman), map_id=COMMUNE_MAP_ID))
    return rows


def generate_communes(units: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Illustrative observations for the 126 communes and wards: 2025, 2026 and the 2026 term.

    `units` needs code, unit_type and population (see commune_units); `facts` holds the
    official city totals that the units must add up to, when one is known.
    """
    units = units.sort_values("code").reset_index(drop=True)
    return pd.DataFrame(_commune_council_rows(units, facts) + _commune_annual_rows(units))


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
