"""Understand what people type: district names and codes, numbers, yes/no, periods, headers.

Every parser here is total: it returns a value or raises `Unreadable` with a bilingual
reason; nothing else escapes, whatever the input.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from dashboard import maps

# Election years of district and commune People's Councils inside the years the importer
# accepts (the 2004 councils sat until 2011). Term figures carry the election year.
ELECTION_YEARS = (2004, 2011, 2016, 2021, 2026)
FIRST_YEAR, LAST_YEAR = 2000, 2035


class Unreadable(ValueError):
    """A cell that cannot be understood; carries the reason in both languages."""

    def __init__(self, vi: str, en: str, code: str = "not_a_number") -> None:
        super().__init__(en)
        self.vi, self.en, self.code = vi, en, code


def fold(text: object) -> str:
    """A lowercase ASCII skeleton: the same for NFC and NFD, with or without diacritics.

    "Quận Hoàn Kiếm", "quan hoan kiem" and "QUẬN  HOÀN KIẾM" all fold to "quan hoan kiem".
    """
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def clean_text(value: object) -> str:
    """Text of a cell, NFC-normalised, trimmed, with non-breaking spaces made plain."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return text.replace("\u00a0", " ").replace("\u202f", " ").strip()


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()  # strip() knows the no-break spaces


# ------------------------------------------------------------------- districts

# Prefixes and suffixes people put around a district name, already folded.
_PREFIX = re.compile(r"^(?:quan|q|huyen|h|thi xa|tx|t x|thanh pho|tp|district|town)\s+")
_SUFFIX = re.compile(r"\s+(?:urban district|rural district|district|town|quan|huyen|thi xa)$")
# The same around a commune or ward name of the 2025 map ("P. Ba Đình", "Xã Ba Vì", "Ba Vi Commune").
_COMMUNE_PREFIX = re.compile(r"^(?:phuong|p|xa|x|ward|commune)\s+")
_COMMUNE_SUFFIX = re.compile(r"\s+(?:ward|commune|phuong|xa)$")

# How each map's units are named in problems: (vi, en), and an example code.
UNIT_WORDS = {
    maps.DISTRICT_MAP.id: {"vi": "quận, huyện, thị xã", "en": "district", "example": "001"},
    maps.COMMUNE_MAP.id: {"vi": "xã, phường", "en": "commune or ward", "example": "00004"},
}


@dataclass(frozen=True)
class District:
    """One unit of an administrative map: a district of the old map or a commune or ward of
    the 2025 one (the importer keeps the word "district" for "unit of the map")."""

    code: str
    name_vi: str
    full_name_vi: str
    unit_type: str
    name_en: str
    map_id: str = maps.DISTRICT_MAP.id
    full_name_en: str = ""


class DistrictIndex:
    """Finds a unit of one map by GSO code ("001", "1", 1) or by name in any common spelling."""

    def __init__(self, districts: list[District], admin_map: maps.AdministrativeMap = maps.DISTRICT_MAP) -> None:
        self.map = admin_map
        self.districts = {district.code: district for district in districts}
        commune = admin_map.id == maps.COMMUNE_MAP.id
        self._prefix = _COMMUNE_PREFIX if commune else _PREFIX
        self._suffix = _COMMUNE_SUFFIX if commune else _SUFFIX
        self._by_name: dict[str, str] = {}
        # A short name two units share identifies neither (a ward and a commune may have the
        # same name): it maps to the full names to choose from.
        self._ambiguous: dict[str, list[str]] = {}
        for district in districts:
            for name in {district.name_vi, district.full_name_vi, district.name_en, district.full_name_en} - {""}:
                key = _squash(fold(name))
                other = self._by_name.get(key, district.code)
                if other != district.code or key in self._ambiguous:
                    shared = self._ambiguous.setdefault(key, [self.districts[other].full_name_vi])
                    shared.append(district.full_name_vi)
                self._by_name[key] = district.code
        for key in self._ambiguous:
            del self._by_name[key]
        # Folded short names -> full names, for "did you mean" hints.
        self._hint_names = {_squash(fold(d.name_vi)): d.full_name_vi for d in districts}

    @property
    def words(self) -> dict[str, str]:
        return UNIT_WORDS[self.map.id]

    @classmethod
    def from_unit_list(cls, units: pd.DataFrame) -> DistrictIndex:
        """Build from geo.read_district_list(): gso_code, name_vi, unit_type, shapeName."""
        labels = {"quận": "Quận", "huyện": "Huyện", "thị xã": "Thị xã"}
        return cls([
            District(
                code=str(row.gso_code), name_vi=str(row.name_vi),
                full_name_vi=f"{labels.get(row.unit_type, '')} {row.name_vi}".strip(),
                unit_type=str(row.unit_type), name_en=str(row.shapeName),
            )
            for row in units.itertuples()
        ])

    @classmethod
    def from_commune_list(cls, units: pd.DataFrame) -> DistrictIndex:
        """Build from geo.commune_unit_list(): code, name_vi, full_name_vi, name_en, full_name_en, unit_type."""
        return cls([
            District(
                code=str(row.code), name_vi=str(row.name_vi), full_name_vi=str(row.full_name_vi),
                unit_type=str(row.unit_type), name_en=str(row.name_en), map_id=maps.COMMUNE_MAP.id,
                full_name_en=str(row.full_name_en),
            )
            for row in units.itertuples()
        ], maps.COMMUNE_MAP)

    def get(self, code: str) -> District | None:
        """The unit with this code written in full (no zeros dropped), or None."""
        return self.districts.get(code)

    def by_code(self, value: object) -> District:
        """The unit with this GSO code; Excel may have dropped leading zeros."""
        digits = self.map.code_digits
        code = code_text(value, digits)
        words = self.words
        if code is None:
            raise Unreadable(
                f"mã đơn vị hành chính phải là số (mã GSO gồm {digits} chữ số, ví dụ {words['example']})",
                f"the administrative-unit code must be a number ({digits}-digit GSO code, e.g. {words['example']})",
                "unknown_district",
            )
        district = self.districts.get(code.zfill(digits))
        if district is None:
            raise Unreadable(
                f"không có {words['vi']} nào mang mã này (xem danh sách ở trang hướng dẫn)",
                f"no {words['en']} has this code (see the list on the instructions sheet)",
                "unknown_district",
            )
        return district

    def find_name(self, value: object) -> District | None:
        """The unit this name means, or None; no problem is raised."""
        for candidate in self._name_candidates(fold(value)):
            code = self._by_name.get(_squash(candidate))
            if code is not None:
                return self.districts[code]
        return None

    def _name_candidates(self, folded: str) -> list[str]:
        prefix, suffix = self._prefix, self._suffix
        return [folded, prefix.sub("", folded), suffix.sub("", folded), suffix.sub("", prefix.sub("", folded))]

    def by_name(self, value: object, *, hint: bool = True) -> District:
        """The unit this name means; `hint` False skips the costly "did you mean" search
        (once the problem list is full, nobody reads it)."""
        found = self.find_name(value)
        if found is not None:
            return found
        folded = fold(value)
        if re.fullmatch(rf"\d{{1,{self.map.code_digits}}}", folded):
            return self.by_code(folded)
        candidates = self._name_candidates(folded)
        words = self.words
        shared = next((self._ambiguous[_squash(c)] for c in candidates if _squash(c) in self._ambiguous), None)
        if shared:
            names = ", ".join(sorted(set(shared)))
            raise Unreadable(
                f"nhiều {words['vi']} cùng tên này ({names}): hãy ghi tên đầy đủ hoặc mã",
                f"several units share this name ({names}): write the full name or the code",
                "unknown_district",
            )
        hint_vi = hint_en = ""
        names = self._hint_names
        close = hint and difflib.get_close_matches(_squash(candidates[-1]), list(names), n=1,
                                                   cutoff=0.75)
        if close:
            hint_vi = f"; có phải là {names[close[0]]}?"
            hint_en = f"; did you mean {names[close[0]]}?"
        raise Unreadable(
            f"không nhận ra tên {words['vi']}" + hint_vi,
            f"unknown {words['en']} name" + hint_en,
            "unknown_district",
        )


def _squash(text: str) -> str:
    return text.replace(" ", "")


def code_text(value: object, digits: int = 3) -> str | None:
    """'001', '1', 1, 1.0 and "'001" give '001'-like digits (at most `digits` of them); anything else None."""
    limit = 10 ** digits
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 < value < limit else None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and 0 < value < limit else None
    text = clean_text(value).lstrip("'")
    if re.fullmatch(rf"\d{{1,{digits}}}", text) and int(text) > 0:
        return text
    return None


def written_code_length(value: object) -> int | None:
    """The length of a code typed as text with its leading zeros ("001": 3, "00004": 5), which
    says which map it belongs to; None when the zeros may have been dropped (a number, "4")."""
    if isinstance(value, str):
        text = clean_text(value).lstrip("'")
        if text.isdigit() and text.startswith("0") and len(text) in (3, 5):
            return len(text)
        if text.isdigit() and len(text) == 5:
            return 5
    return None


# --------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class Number:
    """A number read from a cell; `decimals` is how many decimals were typed (None: unknown)."""

    value: float
    decimals: int | None = None
    percent_sign: bool = False


NOT_A_NUMBER_VI = "phải là một số, không phải chữ"
NOT_A_NUMBER_EN = "must be a number, not text"

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def parse_number(value: object, *, integer: bool = False) -> Number:
    """Read a number the way Vietnamese and English spreadsheets write it.

    Decimal commas ("35,5"), thousands dots ("1.234.567"), thousands spaces, a trailing
    percent sign ("35,5 %"). When a whole number is expected (`integer`), a single
    separator followed by exactly three digits is a thousands separator ("1.234" = 1234,
    "1,234" = 1234); otherwise a single separator is the decimal mark.
    """
    if isinstance(value, bool):
        raise Unreadable(NOT_A_NUMBER_VI, NOT_A_NUMBER_EN)
    if isinstance(value, int):
        return Number(float(value), 0)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unreadable(NOT_A_NUMBER_VI, NOT_A_NUMBER_EN)
        return Number(value)
    if not isinstance(value, str):
        raise Unreadable(NOT_A_NUMBER_VI, NOT_A_NUMBER_EN)
    text = clean_text(value)
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    text = _SPACES.sub("", text).replace("\u2212", "-")
    sign = 1.0
    if text[:1] in "+-" and text:
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:]
    number, decimals = _unsigned(text, integer)
    return Number(sign * number, decimals, percent)


def _unsigned(text: str, integer: bool) -> tuple[float, int]:
    if not re.fullmatch(r"[0-9.,]+", text) or not re.search(r"\d", text):
        raise Unreadable(NOT_A_NUMBER_VI, NOT_A_NUMBER_EN)
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        group = "," if decimal == "." else "."
        return _grouped(text, group, decimal)
    separator = "." if dots else "," if commas else None
    if separator is None:
        return float(text), 0
    count = dots or commas
    if count > 1 or (integer and re.fullmatch(r"\d{1,3}[.,]\d{3}", text)):
        return _grouped(text, separator, None)
    whole, _, fraction = text.partition(separator)
    if not whole or not fraction:
        raise Unreadable(NOT_A_NUMBER_VI, NOT_A_NUMBER_EN)
    return float(f"{whole}.{fraction}"), len(fraction)


def _grouped(text: str, group: str, decimal: str | None) -> tuple[float, int]:
    whole, fraction = text, ""
    if decimal is not None:
        whole, _, fraction = text.rpartition(decimal)
        if not fraction.isdigit():
            raise Unreadable(NOT_A_NUMBER_VI, NOT_A_NUMBER_EN)
    pattern = r"\d{1,3}(?:" + re.escape(group) + r"\d{3})*"
    if not re.fullmatch(pattern, whole):
        raise Unreadable(
            "dấu phân cách hàng nghìn đặt sai chỗ",
            "misplaced thousands separator",
        )
    number = float(whole.replace(group, "") + ("." + fraction if fraction else ""))
    return number, len(fraction)


YES = {"co", "yes", "1", "true"}
NO = {"khong", "no", "0", "false"}


def parse_yes_no(value: object) -> float:
    """Có/Không, Yes/No, 1/0 (also TRUE/FALSE cells) as 1.0 or 0.0."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value in (0, 1):
            return float(value)
    else:
        folded = fold(value)
        if folded in YES:
            return 1.0
        if folded in NO:
            return 0.0
    raise Unreadable(
        "chỉ nhận Có hoặc Không (hoặc Yes/No, 1/0)",
        "only Có or Không are accepted (or Yes/No, 1/0)",
        "not_yes_no",
    )


# --------------------------------------------------------------------- periods


def parse_period(value: object) -> int:
    """A year ("2024", 2024, 2024.0) or an election term ("2016-2021" means 2016)."""
    year: int | None = None
    if isinstance(value, bool):
        year = None
    elif isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str):
        folded = fold(value)
        folded = re.sub(r"^(?:nam|nhiem ky|ky|year|term)\s+", "", folded)
        match = re.fullmatch(r"(\d{4})(?:\s+(\d{4}))?", folded)
        if match:
            year = int(match.group(1))
            if match.group(2) and int(match.group(2)) - year != 5:
                raise Unreadable(
                    "nhiệm kỳ phải kéo dài 5 năm, ví dụ 2021-2026",
                    "an election term spans 5 years, e.g. 2021-2026",
                    "bad_period",
                )
    if year is None:
        raise Unreadable(
            "kỳ phải là một năm gồm 4 chữ số, ví dụ 2024 (năm bầu cử với số liệu theo nhiệm kỳ)",
            "the period must be a four-digit year, e.g. 2024 (the election year for term data)",
            "bad_period",
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Unreadable(
            f"năm phải nằm trong khoảng {FIRST_YEAR}–{LAST_YEAR}",
            f"the year must lie between {FIRST_YEAR} and {LAST_YEAR}",
            "bad_period",
        )
    return year


# ---------------------------------------------------------------------- headers

# Fixed columns and the header spellings accepted for them (folded, spaces as "_").
FIXED_COLUMNS = {
    "unit_code": {"unit_code", "ma", "ma_dvhc", "ma_don_vi", "ma_don_vi_hanh_chinh", "gso_code",
                  "code", "district_code", "ma_quan_huyen", "ma_huyen", "ma_gso", "ma_dvhc_gso"},
    "district": {"district", "unit", "unit_name", "don_vi", "ten_don_vi", "quan_huyen",
                 "quan_huyen_thi_xa", "huyen", "ten", "name", "district_name", "ten_quan_huyen",
                 "dia_ban"},
    "period": {"period", "year", "nam", "ky", "nam_ky", "ky_so_lieu", "nam_nhiem_ky"},
    "source": {"source", "nguon", "nguon_so_lieu"},
    "indicator_id": {"indicator_id", "indicator", "chi_tieu", "ma_chi_tieu"},
    "value": {"value", "gia_tri"},
    "numerator": {"numerator", "tu_so"},
    "denominator": {"denominator", "mau_so"},
    "map_id": {"map_id", "ban_do"},
}
_ALIASES = {alias: key for key, aliases in FIXED_COLUMNS.items() for alias in aliases}
PARTS = ("value", "numerator", "denominator")
_INDICATOR_KEY = re.compile(r"([a-z][a-z0-9_]*)(?:[.:](numerator|denominator|value))?")


def fixed_column(header: object) -> str | None:
    """Which fixed column a header names (unit_code, district, period, ...), or None."""
    if not isinstance(header, str):
        return None
    return _ALIASES.get(fold(header).replace(" ", "_"))


def indicator_key(header: object) -> tuple[str, str] | None:
    """("indicator_id", part) for a header like "x_pct.numerator" or "gender_officers"."""
    if not isinstance(header, str):
        return None
    match = _INDICATOR_KEY.fullmatch(clean_text(header).lower())
    if not match:
        return None
    return match.group(1), match.group(2) or "value"
