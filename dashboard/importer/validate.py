"""The rules every imported figure must meet, each broken rule a located, bilingual problem."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from dashboard import maps
from dashboard.catalogue import Indicator

from . import normalize as nz
from .parse import Candidate, Located
from .problems import Collector

# District and commune People's Councils. Resolution 97/2019/QH14: from the 2021 term Hà
# Nội's urban districts (quận) and their wards elect no council, so such figures are wrong.
# The rule reads a unit type of the district map only: every commune and ward of the 2025
# map has its People's Council again (two-level local government from 1 July 2025).
COUNCIL_INDICATORS = (
    "women_candidates_district_council_pct",
    "women_district_council_pct",
    "women_commune_council_pct",
)
NO_URBAN_COUNCIL_FROM = 2021

# (smaller indicator, part, larger indicator, part, reason vi, reason en): the first can
# never exceed the second for the same district and period, in the file or the database.
COMPARISONS = (
    ("women_district_council_pct", "numerator", "women_candidates_district_council_pct",
     "numerator",
     "số nữ đại biểu trúng cử ({small:g}) nhiều hơn số nữ ứng cử viên ({large:g})",
     "more women deputies elected ({small:g}) than women candidates ({large:g})"),
    ("women_district_council_pct", "denominator", "women_candidates_district_council_pct",
     "denominator",
     "số đại biểu trúng cử ({small:g}) nhiều hơn số ứng cử viên ({large:g})",
     "more deputies elected ({small:g}) than candidates ({large:g})"),
    # The commune councils of 2026–2031, one per commune or ward of the 2025 map.
    ("women_commune_council_pct", "numerator", "women_candidates_commune_council_pct",
     "numerator",
     "số nữ đại biểu trúng cử ({small:g}) nhiều hơn số nữ ứng cử viên ({large:g})",
     "more women deputies elected ({small:g}) than women candidates ({large:g})"),
    ("women_commune_council_pct", "denominator", "women_candidates_commune_council_pct",
     "denominator",
     "số đại biểu trúng cử ({small:g}) nhiều hơn số ứng cử viên ({large:g})",
     "more deputies elected ({small:g}) than candidates ({large:g})"),
    ("trainees_female", "value", "trainees", "value",
     "số học viên nữ ({small:g}) nhiều hơn tổng số học viên ({large:g})",
     "more women trainees ({small:g}) than trainees in total ({large:g})"),
    ("population_female", "value", "population_total", "value",
     "dân số nữ ({small:g}) lớn hơn tổng dân số ({large:g})",
     "more women ({small:g}) than the total population ({large:g})"),
    ("population_male", "value", "population_total", "value",
     "dân số nam ({small:g}) lớn hơn tổng dân số ({large:g})",
     "more men ({small:g}) than the total population ({large:g})"),
)

# Published percentages are rounded; a value typed with d decimals may differ from
# numerator/denominator × 100 by half a unit of its last digit, and always by 0.01.
PERCENT_TOLERANCE = 0.01


def related_indicators(indicator_ids: Iterable[str]) -> set[str]:
    """Indicators whose stored values the cross-checks need for these imported ones."""
    wanted = set(indicator_ids)
    related = set()
    for small, _sp, large, _lp, _vi, _en in COMPARISONS:
        if small in wanted:
            related.add(large)
        if large in wanted:
            related.add(small)
    return related


class Checker:
    def __init__(self, problems: Collector) -> None:
        self.problems = problems

    def check(
        self,
        candidates: list[Candidate],
        stored: dict[tuple[str, int, str], dict[str, float | None]] | None = None,
    ) -> None:
        """Add a problem for every broken rule. `stored` holds the active database values of
        the cells the cross-checks need, keyed by (unit_code, period, indicator_id); a unit
        code names its map (3 digits: districts, 5: communes and wards)."""
        first_seen: dict[tuple[str, int, str], Candidate] = {}
        sound: dict[tuple[str, int, str], Candidate] = {}
        for candidate in candidates:
            self._period(candidate)
            before = len(self.problems.problems)
            self._values(candidate)
            earlier = first_seen.get(candidate.key)
            if earlier is None:
                first_seen[candidate.key] = candidate
                if len(self.problems.problems) == before:
                    sound[candidate.key] = candidate
            else:
                self._duplicate(candidate, earlier)
        # Compare only figures that passed their own checks: a negative count need not
        # also be reported as smaller than its total.
        self._comparisons(sound, set(first_seen), stored or {})

    # ----------------------------------------------------------------- periods

    def _period(self, candidate: Candidate) -> None:
        period, indicator = candidate.period, candidate.indicator
        admin_map = maps.MAPS[candidate.map_id]
        if not indicator.is_on_map(admin_map.id):
            self._add(
                "wrong_level", candidate.where,
                f"chỉ tiêu {indicator.id} không có số liệu trên bản đồ {admin_map.title['vi']} "
                f"({admin_map.valid_dates('vi')}), bản đồ của kỳ {period}",
                f"indicator {indicator.id} is not observed on the map of {admin_map.title['en']} "
                f"({admin_map.valid_dates('en')}), the map of period {period}",
            )
            return
        if indicator.frequency == "term" and period not in nz.ELECTION_YEARS:
            years = ", ".join(str(year) for year in nz.ELECTION_YEARS)
            self._add(
                "term_period", candidate.where,
                f"chỉ tiêu {indicator.id} tính theo nhiệm kỳ: kỳ phải là năm bầu cử ({years}), "
                f"không phải {period}",
                f"indicator {indicator.id} is reported per election term: the period must be an "
                f"election year ({years}), not {period}",
            )
        if (
            indicator.id in COUNCIL_INDICATORS
            and period >= NO_URBAN_COUNCIL_FROM
            and candidate.district.unit_type == "quận"
        ):
            self._add(
                "no_council", candidate.where,
                f"{candidate.district.full_name_vi} không tổ chức Hội đồng nhân dân từ nhiệm kỳ "
                f"{NO_URBAN_COUNCIL_FROM} (Nghị quyết 97/2019/QH14); để trống ô này",
                f"{candidate.district.full_name_vi} elects no People's Council from the "
                f"{NO_URBAN_COUNCIL_FROM} term (Resolution 97/2019/QH14); leave this cell blank",
            )

    # ------------------------------------------------------------------ values

    def _values(self, candidate: Candidate) -> None:
        indicator = candidate.indicator
        if indicator.is_percent:
            self._percent(candidate, indicator)
        elif indicator.is_count:
            number, where = candidate.parts["value"]
            self._count(number.value, where, "value")

    def _count(self, value: float, where: Located, part: str) -> bool:
        rule = count_rule(value, part)
        if rule is not None:
            self._add(rule.code, where, rule.vi, rule.en)
        return rule is None

    def _percent(self, candidate: Candidate, indicator: Indicator) -> None:
        parts = candidate.parts
        value = parts.get("value")
        for rule in percent_rules(
            indicator,
            *(parts[part][0].value if part in parts else None for part in ("value", "numerator", "denominator")),
            decimals=value[0].decimals if value is not None else None,
            require_counts=indicator.city_aggregate == "ratio_of_sums",
        ):
            self._add(rule.code, parts[rule.part][1], rule.vi, rule.en)

    # -------------------------------------------------------- duplicates, pairs

    def _duplicate(self, candidate: Candidate, earlier: Candidate) -> None:
        first = earlier.where
        place_vi = f"dòng {first.row}" + (f" trang {first.sheet}" if first.sheet else "")
        place_en = f"row {first.row}" + (f" of sheet {first.sheet}" if first.sheet else "")
        self._add(
            "duplicate", candidate.where,
            f"trùng với {place_vi}: cùng đơn vị hành chính, kỳ {candidate.period} và chỉ tiêu "
            f"{candidate.indicator.id}",
            f"duplicates {place_en}: same administrative unit, period {candidate.period} and indicator "
            f"{candidate.indicator.id}",
        )

    def _comparisons(self, in_file: dict, keys_in_file: set, stored: dict) -> None:
        for small_id, small_part, large_id, large_part, vi, en in COMPARISONS:
            for (code, period, indicator_id), candidate in in_file.items():
                if indicator_id == small_id:
                    small = _part(candidate, small_part)
                    other_key = (code, period, large_id)
                    large = (_part(in_file.get(other_key), large_part) if other_key in keys_in_file
                             else _stored(stored, other_key, large_part))
                    where = candidate.parts.get(small_part, (None, candidate.where))[1]
                elif indicator_id == large_id and (code, period, small_id) not in keys_in_file:
                    small = _stored(stored, (code, period, small_id), small_part)
                    large = _part(candidate, large_part)
                    where = candidate.parts.get(large_part, (None, candidate.where))[1]
                else:
                    continue
                if small is not None and large is not None and small > large:
                    self._add("more_than_candidates" if "council" in small_id else
                              "more_than_total", where,
                              vi.format(small=small, large=large),
                              en.format(small=small, large=large))

    # ---------------------------------------------------------------- problems

    def _add(self, code: str, where: Located, vi: str, en: str) -> None:
        self.problems.add(code, vi, en, sheet=where.sheet, row=where.row, column=where.column,
                          value=None if nz.is_blank(where.raw) else where.raw)


_PART_VI = {"value": "giá trị", "numerator": "tử số", "denominator": "mẫu số"}


# --------------------------------------------------------------- the rule set
# One rule set for every figure, imported or shipped in data/facts.csv (see catalogue.py).


@dataclass(frozen=True)
class BrokenRule:
    """A rule a figure breaks: stable code, the part (cell) to point at, and the reason."""

    code: str
    part: str
    vi: str
    en: str


def count_rule(value: float, part: str = "value") -> BrokenRule | None:
    """A count, numerator or denominator is a whole number of at least 0."""
    if value < 0:
        return BrokenRule(
            "negative", part,
            "số đếm không được âm" if part == "value" else f"{_PART_VI[part]} không được âm",
            "a count cannot be negative" if part == "value" else f"the {part} cannot be negative",
        )
    if not float(value).is_integer():
        return BrokenRule("not_whole", part, "phải là số nguyên (số người, số lớp...)",
                          "must be a whole number (people, courses...)")
    return None


def percent_tolerance(decimals: int | None) -> float:
    """How far a typed percentage may lie from n/N × 100: 0.01, or half its last digit."""
    tolerance = PERCENT_TOLERANCE
    if decimals is not None:
        tolerance = max(tolerance, 0.5 * 10 ** -decimals)
    return tolerance + 1e-9


def percent_rules(
    indicator: Indicator,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    *,
    decimals: int | None = None,
    require_counts: bool = False,
) -> list[BrokenRule]:
    """Every rule a percentage breaks, given its value and counts (None where not given).

    `decimals` is how many decimals the value was typed with; `require_counts` asks for n and
    N, which a district figure needs when the city figure is computed from them.
    """
    broken: list[BrokenRule] = []
    if value is not None and not 0 <= value <= 100:
        broken.append(BrokenRule(
            "percent_range", "value",
            "tỷ lệ phần trăm vượt quá 100" if value > 100 else "tỷ lệ phần trăm không được âm",
            "a percentage cannot exceed 100" if value > 100 else "a percentage cannot be negative",
        ))
        value = None
    if (numerator is None) != (denominator is None):
        present, missing = ("numerator", "denominator") if numerator is not None else ("denominator", "numerator")
        broken.append(BrokenRule(
            "half_ratio", present,
            f"thiếu {_PART_VI[missing]}: cần nhập cả tử số và mẫu số, hoặc để trống cả hai",
            f"the {missing} is missing: give both numerator and denominator, or neither",
        ))
        return broken
    if numerator is None:
        if value is not None and require_counts:
            broken.append(BrokenRule(
                "missing_counts", "value",
                "cần nhập tử số và mẫu số: số liệu toàn thành phố được tính từ các số này, "
                "tỷ lệ thôi là chưa đủ",
                "give the numerator and the denominator: the city figure is computed from "
                "them, the percentage alone is not enough",
            ))
        return broken
    counts = [rule for rule in (count_rule(numerator, "numerator"), count_rule(denominator, "denominator")) if rule]
    if counts:
        return broken + counts
    n, d = numerator, denominator
    if d == 0:
        broken.append(BrokenRule("zero_denominator", "denominator", "mẫu số phải lớn hơn 0",
                                 "the denominator must be above 0"))
        return broken
    if n > d:
        label_n_vi = indicator.text("numerator_label", "vi") or "tử số"
        label_d_vi = indicator.text("denominator_label", "vi") or "mẫu số"
        label_n_en = indicator.text("numerator_label", "en") or "the numerator"
        label_d_en = indicator.text("denominator_label", "en") or "the denominator"
        broken.append(BrokenRule(
            "more_than_total", "numerator",
            f"tử số ({label_n_vi}: {n:g}) lớn hơn mẫu số ({label_d_vi}: {d:g})",
            f"the numerator ({label_n_en}: {n:g}) is larger than the denominator ({label_d_en}: {d:g})",
        ))
        return broken
    if value is not None:
        expected = 100 * n / d
        if abs(value - expected) > percent_tolerance(decimals):
            broken.append(BrokenRule(
                "ratio_mismatch", "value",
                f"không khớp với tử số/mẫu số × 100 = {expected:.2f}",
                f"does not match numerator/denominator × 100 = {expected:.2f}",
            ))
    return broken


def _part(candidate: Candidate | None, part: str) -> float | None:
    if candidate is None or part not in candidate.parts:
        return None
    value = candidate.parts[part][0].value
    return value if math.isfinite(value) else None


def _stored(stored: dict, key: tuple, part: str) -> float | None:
    row = stored.get(key)
    if row is None:
        return None
    value = row.get(part)
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value
