"""Which administrative map a period is drawn on, with each map's valid dates, attribution and why it changed."""

from __future__ import annotations

import dataclasses
import datetime as dt

# Nghị quyết 1656/NQ-UBTVQH15 (16 June 2025) rearranged Hà Nội's communes into 126 units; it took
# effect on 1 July 2025, the day the district level of local government ended.
REFORM_DATE = dt.date(2025, 7, 1)
REFORM_BASIS = "Nghị quyết 1656/NQ-UBTVQH15 (16/06/2025)"

# Hà Nội elects its People's Councils in the first half of the year (May 2016, May 2021,
# March 2026) and no map changed between 1 January and polling day of any of those years,
# so 1 January of the election year names the map a term was elected on.
TERM_REFERENCE_MONTH_DAY = (1, 1)
# Annual figures describe the state at the end of the year (31 December), like the
# Ministry of Home Affairs' key-leader counts, so 2025 belongs to the new map.
ANNUAL_REFERENCE_MONTH_DAY = (12, 31)

FREQUENCIES = ("annual", "term")

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


@dataclasses.dataclass(frozen=True)
class AdministrativeMap:
    """One administrative map of Hà Nội: its units, the dates it is valid, and whom to credit."""

    id: str
    unit_count: int
    # Length of the GSO code of its units: 3 for districts, 5 for communes and wards.
    code_digits: int
    # None: open-ended on that side.
    valid_from: dt.date | None
    valid_until: dt.date | None
    title: dict[str, str]
    attribution: dict[str, str]

    def is_valid_on(self, day: dt.date) -> bool:
        """True when `day` falls inside this map's valid dates, both ends included."""
        after_start = self.valid_from is None or day >= self.valid_from
        before_end = self.valid_until is None or day <= self.valid_until
        return after_start and before_end

    def valid_dates(self, lang: str) -> str:
        """'đến 30/06/2025' or 'until 30 June 2025'; 'từ 01/07/2025' or 'from 1 July 2025'."""
        parts = []
        if self.valid_from is not None:
            parts.append(("từ " if lang == "vi" else "from ") + _format_date(self.valid_from, lang))
        if self.valid_until is not None:
            parts.append(("đến " if lang == "vi" else "until ") + _format_date(self.valid_until, lang))
        return " ".join(parts)

    def accepts_code(self, code: str) -> bool:
        """True when `code` has the shape of a unit code on this map (digits only, right length)."""
        return isinstance(code, str) and code.isdigit() and len(code) == self.code_digits


DISTRICT_MAP = AdministrativeMap(
    id="hn_districts_2014",
    unit_count=30,
    code_digits=3,
    valid_from=None,
    valid_until=REFORM_DATE - dt.timedelta(days=1),
    title={"vi": "30 quận, huyện, thị xã", "en": "30 districts"},
    attribution={
        "vi": "Ranh giới hành chính: geoBoundaries (gbOpen VNM ADM2, CC BY 3.0 IGO), "
        "nguồn OCHA ROAP / Chính phủ Việt Nam.",
        "en": "Administrative boundaries: geoBoundaries (gbOpen VNM ADM2, CC BY 3.0 IGO), "
        "source OCHA ROAP / Government of Viet Nam.",
    },
)

COMMUNE_MAP = AdministrativeMap(
    id="hn_communes_2025",
    unit_count=126,
    code_digits=5,
    valid_from=REFORM_DATE,
    valid_until=None,
    title={"vi": "126 xã, phường", "en": "126 communes and wards"},
    attribution={
        "vi": "Ranh giới xã, phường từ 01/07/2025: thanglequoc/vietnamese-provinces-database (MIT), "
        "dẫn xuất từ bản đồ sắp xếp đơn vị hành chính sapnhap.bando.com.vn "
        "(NXB Tài nguyên Môi trường và Bản đồ Việt Nam).",
        "en": "Commune and ward boundaries from 1 July 2025: thanglequoc/vietnamese-provinces-database (MIT), "
        "derived from the national map of the reorganised units, sapnhap.bando.com.vn "
        "(Viet Nam Publishing House of Natural Resources, Environment and Cartography).",
    },
)

# Oldest first; every day is covered by exactly one map.
MAPS: dict[str, AdministrativeMap] = {m.id: m for m in (DISTRICT_MAP, COMMUNE_MAP)}

# Why the map changed, for the map page, the methods page and the deck.
REFORM_NOTE = {
    "vi": "Từ 01/07/2025 Hà Nội không còn cấp quận, huyện, thị xã: 526 xã, phường, thị trấn được sắp xếp "
    f"thành 126 xã, phường (51 phường, 75 xã) theo {REFORM_BASIS}. Số liệu đến 30/06/2025 được vẽ "
    "trên bản đồ 30 quận, huyện, thị xã; số liệu từ 01/07/2025 trên bản đồ 126 xã, phường.",
    "en": "Since 1 July 2025 Hà Nội has no district level: its 526 communes, wards and townships were "
    f"rearranged into 126 communes and wards (51 wards, 75 communes) under {REFORM_BASIS}. Figures up to "
    "30 June 2025 are drawn on the 30-district map; figures from 1 July 2025 on the 126-unit map.",
}


def map_for_period(period: int, frequency: str = "annual") -> AdministrativeMap:
    """The map a period is drawn on.

    `period` is a year for annual figures (the state on 31 December) and the election year
    for a term (2021 is the 2021–2026 term). So years up to 2024 and the terms 2016–2021 and
    2021–2026 use the 30 districts; 2025 onwards and the term 2026–2031 use the 126 units.
    """
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}; expected one of {FREQUENCIES}")
    month, day = TERM_REFERENCE_MONTH_DAY if frequency == "term" else ANNUAL_REFERENCE_MONTH_DAY
    reference = dt.date(int(period), month, day)
    return next(m for m in MAPS.values() if m.is_valid_on(reference))


def _format_date(day: dt.date, lang: str) -> str:
    if lang == "vi":
        return day.strftime("%d/%m/%Y")
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
