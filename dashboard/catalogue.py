"""Load and validate the indicator catalogue (indicators.yaml) and the real figures (facts.csv)."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from dashboard import maps
from dashboard.errors import DataError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CATALOGUE_PATH = DATA_DIR / "indicators.yaml"
FACTS_PATH = DATA_DIR / "facts.csv"

# Every text shown to users exists in both languages; Vietnamese is the default.
LANGUAGES = ("vi", "en")

KINDS = ("boolean", "percent", "count")
# "term" is a five-year election term; its period is the first year of the term.
FREQUENCIES = ("annual", "term")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
# "district" is a unit of the 30-district map (periods up to mid-2025), "commune" a unit of the
# 126-unit map (from 1 July 2025): an indicator lists each map it is drawn on (dashboard.maps).
LEVELS = ("district", "commune", "city", "country")
# The levels whose figures belong to the units of an administrative map; a city figure can be
# derived from either.
UNIT_LEVELS = ("district", "commune")
CITY_AGGREGATES = ("ratio_of_sums", "share_of_units", "sum", "none")
TARGET_SCOPES = ("city", "district")

# Which city aggregate makes sense for which kind: averaging district percentages,
# or summing yes/no flags, would give a wrong city figure.
AGGREGATES_BY_KIND = {
    "percent": ("ratio_of_sums", "none"),
    "boolean": ("share_of_units", "none"),
    "count": ("sum", "none"),
}

# Ids end up in URLs, database keys and file names, so keep them plain ASCII.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# Short names go into chart titles and selectors, which must fit on a phone.
SHORT_NAME_MAX_CHARS = 40

BILINGUAL_FIELDS = (
    "name",
    "short_name",
    "unit",
    "definition",
    "formula",
    "breakdown",
    "agency",
    "source",
)
RATIO_LABEL_FIELDS = ("numerator_label", "denominator_label")
INDICATOR_FIELDS = (
    "id",
    "theme",
    "kind",
    "frequency",
    "polarity",
    "levels",
    "city_aggregate",
    "targets",
    *BILINGUAL_FIELDS,
)
OPTIONAL_INDICATOR_FIELDS = ("note", *RATIO_LABEL_FIELDS)
THEME_FIELDS = ("id", "name", "description")
TARGET_FIELDS = ("value", "year", "scope", "basis", "applies_from")
# A target without an end keeps applying after its deadline (until a later one replaces it).
OPTIONAL_TARGET_FIELDS = ("applies_until",)

FACT_COLUMNS = (
    "map_id",
    "unit_code",
    "period",
    "indicator_id",
    "value",
    "numerator",
    "denominator",
    "status",
    "source",
)
FACT_STATUSES = ("official", "provisional", "illustrative")
# The level of each map's units.
UNIT_MAP_LEVELS = {maps.DISTRICT_MAP.id: "district", maps.COMMUNE_MAP.id: "commune"}
MAP_LEVELS = {"hn_city": "city", "vn_country": "country", **UNIT_MAP_LEVELS}


@dataclass(frozen=True)
class Target:
    """A numeric target in the indicator's unit, with the year it is due, its legal basis and
    the periods it applies to: from `applies_from` (the first period its basis covers; a
    target set in 2021 says nothing about 2016-2020) to `applies_until` (None: no end)."""

    value: float
    year: int
    scope: str
    basis: dict[str, str]
    applies_from: int | None = None
    applies_until: int | None = None

    # The basis dict is unhashable; value, year and scope identify a target.
    def __hash__(self) -> int:
        return hash((self.value, self.year, self.scope))

    def applies_to(self, period: int) -> bool:
        """True when `period` lies within the periods this target applies to."""
        if self.applies_from is not None and period < self.applies_from:
            return False
        return self.applies_until is None or period <= self.applies_until


@dataclass(frozen=True)
class Theme:
    """A group of indicators, shown as one section of the dashboard."""

    id: str
    name: dict[str, str]
    description: dict[str, str]

    def __hash__(self) -> int:
        return hash(("theme", self.id))


@dataclass(frozen=True)
class Indicator:
    """One indicator with its GSO-style metadata; bilingual fields are {"vi": ..., "en": ...}."""

    id: str
    theme: str
    name: dict[str, str]
    short_name: dict[str, str]
    kind: str
    unit: dict[str, str]
    frequency: str
    polarity: str
    levels: tuple[str, ...]
    city_aggregate: str
    targets: tuple[Target, ...]
    definition: dict[str, str]
    formula: dict[str, str]
    breakdown: dict[str, str]
    agency: dict[str, str]
    source: dict[str, str]
    note: dict[str, str] | None = None
    numerator_label: dict[str, str] | None = None
    denominator_label: dict[str, str] | None = None

    # Ids are unique within a catalogue, and the bilingual dicts are unhashable.
    def __hash__(self) -> int:
        return hash(("indicator", self.id))

    @property
    def is_percent(self) -> bool:
        return self.kind == "percent"

    @property
    def is_boolean(self) -> bool:
        return self.kind == "boolean"

    @property
    def is_count(self) -> bool:
        return self.kind == "count"

    def text(self, field: str, lang: str = "vi") -> str:
        """The text of a bilingual field in one language; "" for an absent optional field."""
        if lang not in LANGUAGES:
            raise ValueError(f"Unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
        value = getattr(self, field)
        if value is None:
            return ""
        if not isinstance(value, dict):
            raise ValueError(f"Field {field!r} of indicator {self.id!r} is not a bilingual text")
        return value[lang]

    def is_on_map(self, map_id: str) -> bool:
        """True when the indicator has figures for the units of the map `map_id` (dashboard.maps)."""
        return UNIT_MAP_LEVELS.get(map_id) in self.levels

    def target_for(self, period: int, scope: str) -> Target | None:
        """The target of `scope` that applies to `period`, or None if there is none.

        Only targets whose period range contains `period` count: no target is applied
        before its basis existed, nor after the term it was set for. Among those, before
        or at a deadline, the nearest upcoming deadline is what the period is working
        towards (2024 is judged against the 2025 target, not the 2030 one). After the last
        deadline, the latest target still stands while it applies: a later target
        supersedes earlier ones, and measuring 2027 against nothing would hide a gap.
        """
        if scope not in TARGET_SCOPES:
            raise ValueError(
                f"Unknown target scope {scope!r}; expected one of {', '.join(TARGET_SCOPES)}"
            )
        candidates = [
            target for target in self.targets if target.scope == scope and target.applies_to(period)
        ]
        if not candidates:
            return None
        upcoming = [target for target in candidates if target.year >= period]
        if upcoming:
            return min(upcoming, key=lambda target: target.year)
        return max(candidates, key=lambda target: target.year)


@dataclass(frozen=True, eq=False)
class Catalogue:
    """All themes and indicators, in file order. Shared between sessions: treat as read-only."""

    themes: tuple[Theme, ...]
    indicators: dict[str, Indicator]

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.indicators

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError naming the id if the catalogue has none."""
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise KeyError(f"No indicator {indicator_id!r} in the catalogue") from None

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id; KeyError naming the id if the catalogue has none."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(f"No theme {theme_id!r} in the catalogue")

    def by_theme(self) -> dict[str, list[Indicator]]:
        """Indicators grouped by theme id, themes and indicators both in file order."""
        groups: dict[str, list[Indicator]] = {theme.id: [] for theme in self.themes}
        for indicator in self.indicators.values():
            groups[indicator.theme].append(indicator)
        return groups

    def for_level(self, level: str) -> list[Indicator]:
        """Indicators observed at `level` (district, city or country), in file order."""
        if level not in LEVELS:
            raise ValueError(f"Unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        return [indicator for indicator in self.indicators.values() if level in indicator.levels]

    def for_map(self, map_id: str) -> list[Indicator]:
        """Indicators with figures for the units of the map `map_id`, in file order.

        hn_districts_2014 gives the district indicators, hn_communes_2025 the commune ones.
        """
        if map_id not in UNIT_MAP_LEVELS:
            raise ValueError(f"Unknown unit map {map_id!r}; expected one of {', '.join(UNIT_MAP_LEVELS)}")
        return self.for_level(UNIT_MAP_LEVELS[map_id])


# --------------------------------------------------------------------- loading


def load_catalogue(path: str | Path = CATALOGUE_PATH) -> Catalogue:
    """The validated catalogue at `path`, parsed once per process and path."""
    return _load_catalogue_cached(str(Path(path).resolve()))


@functools.lru_cache(maxsize=8)
def _load_catalogue_cached(path: str) -> Catalogue:
    return read_catalogue(path)


def clear_catalogue_cache() -> None:
    """Forget cached catalogues, e.g. after the YAML file was edited."""
    _load_catalogue_cached.cache_clear()


def read_catalogue(path: str | Path) -> Catalogue:
    """Parse and validate a catalogue file, uncached; raises DataError on the first problem."""
    return _CatalogueReader(path).read()


class _CatalogueReader:
    """Validates one catalogue file; each problem is a DataError naming file, entry and field."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.file = str(path)

    def fail(
        self, row: int | str | None, column: str | None, value: object, vi: str, en: str
    ) -> DataError:
        return DataError(self.file, vi, en, row=row, column=column, value=value)

    def read(self) -> Catalogue:
        document = self._parse()
        themes = self._themes(document.get("themes"))
        theme_ids = {theme.id for theme in themes}
        raw_indicators = document.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            raise self.fail(
                None,
                "indicators",
                None,
                "thiếu danh sách chỉ tiêu (indicators) hoặc danh sách trống",
                "the indicator list (indicators) is missing or empty",
            )
        indicators: dict[str, Indicator] = {}
        for index, raw in enumerate(raw_indicators):
            indicator = self._indicator(raw, index, theme_ids)
            if indicator.id in indicators:
                raise self.fail(
                    indicator.id,
                    "id",
                    indicator.id,
                    "mã chỉ tiêu bị trùng; mỗi chỉ tiêu phải có một mã riêng",
                    "duplicate indicator id; every indicator needs its own id",
                )
            indicators[indicator.id] = indicator
        return Catalogue(themes=themes, indicators=indicators)

    def _parse(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise self.fail(None, None, None, "không tìm thấy tệp", "file not found") from None
        except UnicodeDecodeError as error:
            raise self.fail(
                None,
                None,
                None,
                f"tệp không được mã hóa UTF-8 ({error.reason})",
                f"the file is not UTF-8 encoded ({error.reason})",
            ) from None
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(error, "problem", None) or str(error)
            raise self.fail(
                line,
                None,
                None,
                f"cú pháp YAML không hợp lệ ({problem})",
                f"invalid YAML syntax ({problem})",
            ) from None
        if not isinstance(document, dict):
            raise self.fail(
                None,
                None,
                None,
                "nội dung phải là một bảng có hai khóa themes và indicators",
                "the content must be a mapping with the keys themes and indicators",
            )
        unknown = sorted(set(document) - {"themes", "indicators"})
        if unknown:
            raise self._unknown_field(None, unknown[0])
        return document

    # ---------------------------------------------------------------- themes

    def _themes(self, raw_themes: object) -> tuple[Theme, ...]:
        if not isinstance(raw_themes, list) or not raw_themes:
            raise self.fail(
                None,
                "themes",
                None,
                "thiếu danh sách chủ đề (themes) hoặc danh sách trống",
                "the theme list (themes) is missing or empty",
            )
        themes: list[Theme] = []
        for index, raw in enumerate(raw_themes):
            row = self._row_label(raw, "themes", index)
            self._check_fields(raw, row, THEME_FIELDS, ())
            theme_id = self._id(raw["id"], row)
            if any(theme.id == theme_id for theme in themes):
                raise self.fail(
                    row,
                    "id",
                    theme_id,
                    "mã chủ đề bị trùng",
                    "duplicate theme id",
                )
            themes.append(
                Theme(
                    id=theme_id,
                    name=self._bilingual(raw["name"], row, "name"),
                    description=self._bilingual(raw["description"], row, "description"),
                )
            )
        return tuple(themes)

    # ------------------------------------------------------------ indicators

    def _indicator(self, raw: object, index: int, theme_ids: set[str]) -> Indicator:
        row = self._row_label(raw, "indicators", index)
        self._check_fields(raw, row, INDICATOR_FIELDS, OPTIONAL_INDICATOR_FIELDS)
        indicator_id = self._id(raw["id"], row)
        row = indicator_id

        theme = raw["theme"]
        if theme not in theme_ids:
            raise self.fail(
                row,
                "theme",
                theme,
                f"chủ đề không có trong danh sách themes ({', '.join(sorted(theme_ids))})",
                f"the theme is not in the themes list ({', '.join(sorted(theme_ids))})",
            )
        kind = self._choice(raw["kind"], row, "kind", KINDS)
        frequency = self._choice(raw["frequency"], row, "frequency", FREQUENCIES)
        polarity = self._choice(raw["polarity"], row, "polarity", POLARITIES)
        levels = self._levels(raw["levels"], row)
        city_aggregate = self._choice(raw["city_aggregate"], row, "city_aggregate", CITY_AGGREGATES)
        self._check_aggregate(kind, levels, city_aggregate, row)

        texts = {field: self._bilingual(raw[field], row, field) for field in BILINGUAL_FIELDS}
        for lang in LANGUAGES:
            short = texts["short_name"][lang]
            if len(short) > SHORT_NAME_MAX_CHARS:
                raise self.fail(
                    row,
                    f"short_name.{lang}",
                    short,
                    f"tên ngắn dài quá {SHORT_NAME_MAX_CHARS} ký tự",
                    f"the short name is longer than {SHORT_NAME_MAX_CHARS} characters",
                )
        note = self._bilingual(raw["note"], row, "note") if raw.get("note") is not None else None

        labels: dict[str, dict[str, str] | None] = {}
        for field in RATIO_LABEL_FIELDS:
            present = raw.get(field) is not None
            if kind == "percent" and not present:
                raise self.fail(
                    row,
                    field,
                    None,
                    "chỉ tiêu tỷ lệ phần trăm phải có nhãn tử số và nhãn mẫu số",
                    "a percent indicator needs numerator and denominator labels",
                )
            if kind != "percent" and present:
                raise self.fail(
                    row,
                    field,
                    None,
                    "chỉ chỉ tiêu tỷ lệ phần trăm (kind: percent) mới có nhãn tử số và mẫu số",
                    "only percent indicators (kind: percent) have numerator and denominator labels",
                )
            labels[field] = self._bilingual(raw[field], row, field) if present else None

        targets = self._targets(raw["targets"], row, kind)
        return Indicator(
            id=indicator_id,
            theme=theme,
            kind=kind,
            frequency=frequency,
            polarity=polarity,
            levels=levels,
            city_aggregate=city_aggregate,
            targets=targets,
            note=note,
            **texts,
            **labels,
        )

    def _levels(self, raw: object, row: str) -> tuple[str, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(
                row,
                "levels",
                raw,
                "levels phải là danh sách không rỗng, ví dụ [district, city]",
                "levels must be a non-empty list, e.g. [district, city]",
            )
        levels = tuple(self._choice(level, row, "levels", LEVELS) for level in raw)
        if len(set(levels)) != len(levels):
            raise self.fail(row, "levels", raw, "cấp bị lặp lại", "a level is repeated")
        return levels

    def _check_aggregate(
        self, kind: str, levels: tuple[str, ...], aggregate: str, row: str
    ) -> None:
        allowed = AGGREGATES_BY_KIND[kind]
        if aggregate not in allowed:
            raise self.fail(
                row,
                "city_aggregate",
                aggregate,
                f"cách tổng hợp không hợp với loại {kind}; chỉ nhận: {', '.join(allowed)}",
                f"this aggregate does not fit kind {kind}; expected one of: {', '.join(allowed)}",
            )
        # Deriving a city value needs unit values (of either map) to derive it from.
        if aggregate != "none" and not ("city" in levels and set(UNIT_LEVELS) & set(levels)):
            raise self.fail(
                row,
                "city_aggregate",
                aggregate,
                "chỉ tổng hợp từ cấp đơn vị khi levels có city và district hoặc commune; nếu không, dùng none",
                "deriving a city value needs city and district or commune in levels; otherwise use none",
            )

    def _targets(self, raw: object, row: str, kind: str) -> tuple[Target, ...]:
        if not isinstance(raw, list):
            raise self.fail(
                row,
                "targets",
                raw,
                "targets phải là một danh sách (có thể rỗng: [])",
                "targets must be a list (possibly empty: [])",
            )
        targets = []
        for index, item in enumerate(raw):
            column = f"targets[{index}]"
            self._check_fields(item, row, TARGET_FIELDS, OPTIONAL_TARGET_FIELDS, prefix=column)
            value = item["value"]
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
            ):
                raise self.fail(
                    row,
                    f"{column}.value",
                    value,
                    "giá trị mục tiêu phải là một số",
                    "the target value must be a number",
                )
            # Boolean targets are shares of districts answering "yes", so they are percentages too.
            if kind in ("percent", "boolean") and not 0 <= value <= 100:
                raise self.fail(
                    row,
                    f"{column}.value",
                    value,
                    "mục tiêu tỷ lệ phải nằm trong khoảng 0–100",
                    "a percentage target must lie between 0 and 100",
                )
            year = self._target_year(item["year"], row, f"{column}.year")
            applies_from = self._target_year(item["applies_from"], row, f"{column}.applies_from")
            applies_until = item.get("applies_until")
            if applies_until is not None:
                applies_until = self._target_year(applies_until, row, f"{column}.applies_until")
            if applies_from > year:
                raise self.fail(
                    row,
                    f"{column}.applies_from",
                    applies_from,
                    f"mục tiêu phải bắt đầu áp dụng không muộn hơn năm đến hạn ({year})",
                    f"a target must start to apply no later than its deadline ({year})",
                )
            if applies_until is not None and applies_until < applies_from:
                raise self.fail(
                    row,
                    f"{column}.applies_until",
                    applies_until,
                    f"năm cuối áp dụng phải từ năm bắt đầu áp dụng ({applies_from}) trở đi",
                    f"the last period a target applies to cannot precede its first ({applies_from})",
                )
            scope = self._choice(item["scope"], row, f"{column}.scope", TARGET_SCOPES)
            # One district either has a yes or a no; only the city share can reach a percentage.
            if kind == "boolean" and scope != "city":
                raise self.fail(
                    row,
                    f"{column}.scope",
                    scope,
                    "mục tiêu của chỉ tiêu có/không là tỷ lệ đơn vị đạt, nên phạm vi phải là city",
                    "a yes/no target is a share of units, so its scope must be city",
                )
            basis = self._bilingual(item["basis"], row, f"{column}.basis")
            targets.append(
                Target(
                    value=float(value),
                    year=year,
                    scope=scope,
                    basis=basis,
                    applies_from=applies_from,
                    applies_until=applies_until,
                )
            )
        return tuple(targets)

    def _target_year(self, year: object, row: str, column: str) -> int:
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            raise self.fail(
                row,
                column,
                year,
                "năm của mục tiêu phải là số nguyên có 4 chữ số",
                "a target year must be a four-digit integer",
            )
        return year

    # --------------------------------------------------------------- helpers

    def _row_label(self, raw: object, section: str, index: int) -> str:
        # Name the entry by its id when it has a usable one; data officers search by id.
        if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
            return raw["id"]
        return f"{section}[{index}]"

    def _check_fields(
        self,
        raw: object,
        row: str,
        required: tuple[str, ...],
        optional: tuple[str, ...],
        prefix: str = "",
    ) -> None:
        if not isinstance(raw, dict):
            raise self.fail(
                row,
                prefix or None,
                raw,
                "mục này phải là một bảng khóa: giá trị",
                "this entry must be a key: value mapping",
            )
        for field in required:
            if field not in raw or raw[field] is None:
                raise self.fail(
                    row,
                    self._join(prefix, field),
                    None,
                    "thiếu trường bắt buộc",
                    "a required field is missing",
                )
        for field in raw:
            if field not in required and field not in optional:
                raise self._unknown_field(row, self._join(prefix, str(field)))

    def _unknown_field(self, row: str | None, field: str) -> DataError:
        return self.fail(
            row,
            field,
            None,
            "trường không được hỗ trợ (có thể gõ sai tên)",
            "unknown field (perhaps a typo)",
        )

    @staticmethod
    def _join(prefix: str, field: str) -> str:
        return f"{prefix}.{field}" if prefix else field

    def _id(self, value: object, row: str) -> str:
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            raise self.fail(
                row,
                "id",
                value,
                "mã chỉ gồm chữ thường không dấu, chữ số, dấu gạch dưới và bắt đầu bằng chữ cái",
                "an id starts with a letter and has only lowercase ASCII letters, digits and _",
            )
        return value

    def _choice(self, value: object, row: str, column: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(
                row,
                column,
                value,
                f"giá trị không hợp lệ; chỉ nhận: {', '.join(allowed)}",
                f"unknown value; expected one of: {', '.join(allowed)}",
            )
        return value

    def _bilingual(self, raw: object, row: str, column: str) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise self.fail(
                row,
                column,
                raw,
                "phải có cả bản tiếng Việt (vi) và tiếng Anh (en)",
                "must have both a Vietnamese (vi) and an English (en) text",
            )
        for key in raw:
            if key not in LANGUAGES:
                raise self._unknown_field(row, f"{column}.{key}")
        texts = {}
        for lang in LANGUAGES:
            language_vi = "tiếng Việt" if lang == "vi" else "tiếng Anh"
            language_en = "Vietnamese" if lang == "vi" else "English"
            text = raw.get(lang)
            if text is None:
                raise self.fail(
                    row,
                    f"{column}.{lang}",
                    None,
                    f"thiếu bản {language_vi} ({lang})",
                    f"the {language_en} ({lang}) text is missing",
                )
            if not isinstance(text, str):
                raise self.fail(
                    row,
                    f"{column}.{lang}",
                    text,
                    "phải là một chuỗi văn bản",
                    "must be a text string",
                )
            if not text.strip():
                raise self.fail(
                    row,
                    f"{column}.{lang}",
                    text,
                    f"bản {language_vi} ({lang}) đang trống",
                    f"the {language_en} ({lang}) text is empty",
                )
            # Decomposed diacritics look right but break search, sorting and some fonts.
            if not unicodedata.is_normalized("NFC", text):
                raise self.fail(
                    row,
                    f"{column}.{lang}",
                    text,
                    "văn bản chưa chuẩn hóa Unicode NFC (dấu tiếng Việt bị tách rời khỏi chữ)",
                    "the text is not Unicode NFC (Vietnamese diacritics are decomposed)",
                )
            texts[lang] = text.strip()
        return texts


# ----------------------------------------------------------------------- facts


def load_facts(path: str | Path = FACTS_PATH, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The real published figures, validated against the catalogue.

    Columns: map_id, unit_code, indicator_id, status, source (str); period (int64);
    value, numerator, denominator (float64, NaN where not given). Raises DataError
    naming the file, the CSV row (header = row 1) and the column of the first problem.
    """
    file = str(path)
    catalogue = catalogue if catalogue is not None else load_catalogue()
    table = _read_fact_table(Path(path), file)

    records = []
    seen: dict[tuple[str, str, int, str], int] = {}
    for index, raw in enumerate(table.to_dict("records")):
        row = index + 2  # header is row 1, as in Excel
        record = _fact_record(raw, row, file, catalogue)
        key = (record["map_id"], record["unit_code"], record["period"], record["indicator_id"])
        if key in seen:
            raise DataError(
                file,
                f"trùng với dòng {seen[key]} (cùng bản đồ, đơn vị, kỳ và chỉ tiêu)",
                f"duplicates row {seen[key]} (same map, unit, period and indicator)",
                row=row,
                column="indicator_id",
                value=record["indicator_id"],
            )
        seen[key] = row
        records.append(record)

    facts = pd.DataFrame.from_records(records, columns=list(FACT_COLUMNS))
    text_columns = ["map_id", "unit_code", "indicator_id", "status", "source"]
    # "str" is pandas' own string dtype, the one read_csv gives text columns elsewhere.
    facts[text_columns] = facts[text_columns].astype("str")
    facts["period"] = facts["period"].astype("int64")
    facts[["value", "numerator", "denominator"]] = facts[
        ["value", "numerator", "denominator"]
    ].astype("float64")
    return facts


def _read_fact_table(path: Path, file: str) -> pd.DataFrame:
    try:
        # Everything as text first, so codes like "01" keep their leading zero and
        # each cell can be checked with a message of its own. utf-8-sig accepts the
        # byte-order mark that Excel writes.
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(file, "không tìm thấy tệp", "file not found") from None
    except UnicodeDecodeError as error:
        raise DataError(
            file,
            f"tệp không được mã hóa UTF-8 ({error.reason})",
            f"the file is not UTF-8 encoded ({error.reason})",
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(file, "tệp trống", "the file is empty", row=1) from None
    except pd.errors.ParserError as error:
        raise DataError(
            file, f"không đọc được tệp CSV ({error})", f"the CSV file cannot be read ({error})"
        ) from None

    for column in FACT_COLUMNS:
        if column not in table.columns:
            raise DataError(
                file, "thiếu cột bắt buộc", "a required column is missing", row=1, column=column
            )
    for column in table.columns:
        if column not in FACT_COLUMNS:
            raise DataError(
                file,
                "cột không được hỗ trợ (có thể gõ sai tên)",
                "unknown column (perhaps a typo)",
                row=1,
                column=str(column),
            )
    return table


def _fact_record(raw: dict[str, str], row: int, file: str, catalogue: Catalogue) -> dict[str, Any]:
    def fail(column: str, value: object, vi: str, en: str) -> DataError:
        return DataError(file, vi, en, row=row, column=column, value=value)

    cells = {column: unicodedata.normalize("NFC", raw[column].strip()) for column in FACT_COLUMNS}
    for column in ("map_id", "unit_code", "period", "indicator_id", "value", "status", "source"):
        if not cells[column]:
            raise fail(column, None, "ô bắt buộc đang trống", "a required cell is empty")

    indicator_id = cells["indicator_id"]
    if indicator_id not in catalogue:
        raise fail(
            "indicator_id",
            indicator_id,
            "mã chỉ tiêu không có trong danh mục data/indicators.yaml",
            "the indicator id is not in the catalogue data/indicators.yaml",
        )
    indicator = catalogue.get(indicator_id)

    if not re.fullmatch(r"\d{4}", cells["period"]):
        raise fail(
            "period",
            cells["period"],
            "kỳ phải là một năm gồm 4 chữ số (năm đầu nhiệm kỳ với số liệu theo nhiệm kỳ)",
            "the period must be a four-digit year (the first year of the term for term data)",
        )
    if cells["status"] not in FACT_STATUSES:
        raise fail(
            "status",
            cells["status"],
            f"trạng thái không hợp lệ; chỉ nhận: {', '.join(FACT_STATUSES)}",
            f"unknown status; expected one of: {', '.join(FACT_STATUSES)}",
        )
    level = MAP_LEVELS.get(cells["map_id"])
    if level is not None and level not in indicator.levels:
        raise fail(
            "map_id",
            cells["map_id"],
            f"chỉ tiêu {indicator_id} không có số liệu ở cấp {level}",
            f"indicator {indicator_id} is not observed at level {level}",
        )
    unit_map = maps.MAPS.get(cells["map_id"])
    if unit_map is not None:
        _check_unit_map_cells(unit_map, cells, indicator, fail)

    numbers = {
        column: _fact_number(cells[column], column, fail)
        for column in ("value", "numerator", "denominator")
    }
    value, numerator, denominator = numbers["value"], numbers["numerator"], numbers["denominator"]
    has_numerator, has_denominator = not math.isnan(numerator), not math.isnan(denominator)

    if indicator.is_percent:
        # The importer's rule set, so a shipped fact and an imported figure pass the same checks.
        from .importer.validate import percent_rules
        broken = percent_rules(
            indicator,
            value,
            numerator if has_numerator else None,
            denominator if has_denominator else None,
            decimals=_decimals(cells["value"]),
        )
        if broken:
            rule = broken[0]
            raise fail(rule.part, numbers[rule.part], rule.vi, rule.en)
    else:
        if has_numerator or has_denominator:
            column = "numerator" if has_numerator else "denominator"
            raise fail(
                column,
                numbers[column],
                f"chỉ tiêu {indicator_id} không phải tỷ lệ phần trăm: không có tử số, mẫu số",
                f"indicator {indicator_id} is not a percentage: no numerator or denominator",
            )
        if indicator.is_count:
            from .importer.validate import count_rule

            rule = count_rule(value)
            if rule is not None:
                raise fail("value", value, rule.vi, rule.en)
        if value < 0:
            raise fail("value", value, "giá trị không được âm", "the value cannot be negative")
        if indicator.is_boolean and value > 100:
            raise fail(
                "value",
                value,
                "chỉ tiêu có/không nhận 0, 1 hoặc tỷ lệ đơn vị đạt từ 0 đến 100",
                "a yes/no indicator takes 0, 1 or a share of units from 0 to 100",
            )

    return {
        "map_id": cells["map_id"],
        "unit_code": cells["unit_code"],
        "period": int(cells["period"]),
        "indicator_id": indicator_id,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "status": cells["status"],
        "source": cells["source"],
    }


def _decimals(cell: str) -> int | None:
    """How many decimals a number was typed with ("30.09" -> 2), None when not a plain number."""
    whole, dot, fraction = cell.partition(".")
    return len(fraction) if dot and fraction.isdigit() else 0 if cell.lstrip("-").isdigit() else None


def _fact_number(cell: str, column: str, fail: Callable[..., DataError]) -> float:
    if not cell:
        return math.nan
    try:
        number = float(cell)
    except ValueError:
        number = math.nan
    # float() also accepts "nan" and "inf", which are never a real figure.
    if not math.isfinite(number):
        raise fail(
            column,
            cell,
            "phải là một số (dùng dấu chấm thập phân, ví dụ 30.09)",
            "must be a number (with a decimal point, e.g. 30.09)",
        )
    return number


def _check_unit_map_cells(
    unit_map: maps.AdministrativeMap, cells: dict[str, str], indicator: Indicator, fail: Callable[..., DataError]
) -> None:
    """A figure for a district or a commune: its code fits that map, and its period is drawn on it."""
    if not unit_map.accepts_code(cells["unit_code"]):
        raise fail(
            "unit_code",
            cells["unit_code"],
            f"mã đơn vị trên bản đồ {unit_map.title['vi']} phải gồm đúng {unit_map.code_digits} chữ số",
            f"a unit code on the map of {unit_map.title['en']} must be exactly {unit_map.code_digits} digits",
        )
    # The period was checked to be a four-digit year before.
    period_map = maps.map_for_period(int(cells["period"]), indicator.frequency)
    if period_map.id != unit_map.id:
        raise fail(
            "map_id",
            cells["map_id"],
            f"kỳ {cells['period']} được vẽ trên bản đồ {period_map.title['vi']} ({period_map.id}, "
            f"{period_map.valid_dates('vi')}), không phải bản đồ này",
            f"period {cells['period']} is drawn on the map of {period_map.title['en']} ({period_map.id}, "
            f"{period_map.valid_dates('en')}), not on this one",
        )
