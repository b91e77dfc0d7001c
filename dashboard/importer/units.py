"""Which unit a row means, on the map of its period: a district up to 30/06/2025, a commune or
ward of the 2025 map after it; a unit of the other map is refused, naming its successors or
predecessors (dashboard.geo's crosswalk)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from dashboard import geo, maps

from . import normalize as nz


class OtherMap(nz.Unreadable):
    """A unit of the map its period does not use; the reason names where its communes went."""


class UnitFinder:
    """Finds a unit by code or name on the map of a period, and explains units of the other map.

    Codes decide by their written length when they still have their leading zeros ("001" is a
    district, "00004" a ward); a number whose zeros Excel dropped is read on the period's map.
    """

    def __init__(self, indexes: dict[str, nz.DistrictIndex | Callable[[], nz.DistrictIndex]]) -> None:
        # An index may be given as its builder: a file of district figures never loads the
        # 126 units (the first lookup on a map builds its index).
        self.indexes = dict(indexes)

    @classmethod
    def for_both_maps(cls) -> UnitFinder:
        return _both_maps()

    def index(self, admin_map: maps.AdministrativeMap) -> nz.DistrictIndex:
        index = self.indexes[admin_map.id]
        if not isinstance(index, nz.DistrictIndex):
            index = self.indexes[admin_map.id] = index()
        return index

    def by_code(self, value: object, admin_map: maps.AdministrativeMap | None, period: int | None) -> nz.District:
        """The unit with this code on `admin_map` (None: the period is unknown, so the code's
        written length decides); OtherMap when it is a unit of the other map."""
        length = nz.written_code_length(value)
        unknown_period = admin_map is None
        if unknown_period:
            admin_map = maps.COMMUNE_MAP if length == maps.COMMUNE_MAP.code_digits else maps.DISTRICT_MAP
        other = _other(admin_map)
        if length is not None and length != admin_map.code_digits:
            unit = self.index(other).get(nz.clean_text(value).lstrip("'"))
            if unit is None:
                raise _wrong_length(admin_map, period)
            raise self.other_map(unit, admin_map, period)
        digits = nz.code_text(value, maps.COMMUNE_MAP.code_digits)
        unit = None
        if digits is not None and len(digits) <= admin_map.code_digits:
            unit = self.index(admin_map).get(digits.zfill(admin_map.code_digits))
        if unit is not None or digits is None:
            return unit or self.index(admin_map).by_code(value)
        # Not a unit of this map: a code of the other map, perhaps with its zeros dropped?
        unit = self.index(other).get(digits.zfill(other.code_digits)) if len(digits) <= other.code_digits else None
        if unit is not None and unknown_period:
            return unit  # the row's period is unreadable: that problem is reported alone
        if unit is not None:
            raise self.other_map(unit, admin_map, period)
        if len(digits) > admin_map.code_digits:
            raise _wrong_length(admin_map, period)
        return self.index(admin_map).by_code(value)

    def by_name(self, value: object, admin_map: maps.AdministrativeMap | None, period: int | None,
                *, hint: bool = True) -> nz.District:
        """The unit this name means on `admin_map`; OtherMap when it names a unit of the other
        map only ("Quận Hoàn Kiếm" in 2026, "Phường Hoàn Kiếm" in 2021)."""
        if admin_map is None:
            for candidate in (maps.DISTRICT_MAP, maps.COMMUNE_MAP):
                found = self.index(candidate).find_name(value)
                if found is not None:
                    return found
            return self.index(maps.DISTRICT_MAP).by_name(value, hint=hint)
        try:
            return self.index(admin_map).by_name(value, hint=hint)
        except nz.Unreadable:
            unit = self.index(_other(admin_map)).find_name(value)
            if unit is not None and period is not None:
                raise self.other_map(unit, admin_map, period) from None
            raise

    def other_map(self, unit: nz.District, admin_map: maps.AdministrativeMap, period: int | None) -> OtherMap:
        """The refusal of `unit` for a period drawn on `admin_map`, naming the units of that map
        that took (or gave) its communes."""
        if unit.map_id == maps.DISTRICT_MAP.id:
            links = geo.successors(unit.code)
            names = _names(links, "new_code", "new_name")
            return OtherMap(
                f"{unit.full_name_vi} (mã {unit.code}) là quận, huyện, thị xã của bản đồ cũ, chỉ dùng "
                f"{maps.DISTRICT_MAP.valid_dates('vi')}; số liệu kỳ {period} ghi theo xã, phường mới "
                f"(mã {maps.COMMUNE_MAP.code_digits} chữ số). Các xã, phường của {unit.full_name_vi} đã được "
                f"sắp xếp vào: {names['vi']}",
                f"{unit.full_name_vi} (code {unit.code}) is a district of the old map, valid only "
                f"{maps.DISTRICT_MAP.valid_dates('en')}; figures for {period} are reported per new commune or "
                f"ward ({maps.COMMUNE_MAP.code_digits}-digit code). The communes of {unit.full_name_vi} "
                f"were rearranged into: {names['en']}",
                "old_district_code",
            )
        links = geo.predecessors(unit.code)
        names = _names(links, "old_district_code", "old_district_name")
        return OtherMap(
            f"{unit.full_name_vi} (mã {unit.code}) là xã, phường của bản đồ mới, dùng "
            f"{maps.COMMUNE_MAP.valid_dates('vi')}; số liệu kỳ {period} thuộc bản đồ "
            f"{maps.DISTRICT_MAP.title['vi']} (mã {maps.DISTRICT_MAP.code_digits} chữ số). "
            f"{unit.full_name_vi} được lập từ các xã, phường cũ của: {names['vi']}",
            f"{unit.full_name_vi} (code {unit.code}) is a commune or ward of the new map, valid "
            f"{maps.COMMUNE_MAP.valid_dates('en')}; figures for {period} belong to the map of "
            f"{maps.DISTRICT_MAP.title['en']} ({maps.DISTRICT_MAP.code_digits}-digit code). "
            f"{unit.full_name_vi} was formed from old communes of: {names['en']}",
            "new_unit_code",
        )


def _other(admin_map: maps.AdministrativeMap) -> maps.AdministrativeMap:
    return maps.COMMUNE_MAP if admin_map.id == maps.DISTRICT_MAP.id else maps.DISTRICT_MAP


def _names(links, code_column: str, name_column: str) -> dict[str, str]:
    """'Phường Ba Đình (00004), Phường Ngọc Hà (00008, một phần)': a partial merge is marked."""
    parts = {"vi": [], "en": []}
    for link in links.itertuples():
        partial = link.merge_type == "partial"
        code = getattr(link, code_column)
        name = getattr(link, name_column)
        parts["vi"].append(f"{name} ({code}{', một phần' if partial else ''})")
        parts["en"].append(f"{name} ({code}{', in part' if partial else ''})")
    if not parts["vi"]:
        return {"vi": "(không có trong bảng chuyển đổi)", "en": "(not in the crosswalk)"}
    return {lang: ", ".join(items) for lang, items in parts.items()}


def _wrong_length(admin_map: maps.AdministrativeMap, period: int | None) -> nz.Unreadable:
    """The problem of a code with no unit and the wrong length for the period's map."""
    words = nz.UNIT_WORDS[admin_map.id]
    when_vi = f"kỳ {period} dùng" if period is not None else "dùng"
    when_en = f"period {period} uses" if period is not None else "uses"
    return nz.Unreadable(
        f"không có đơn vị nào mang mã này; {when_vi} bản đồ {admin_map.title['vi']}: mã "
        f"{words['vi']} gồm {admin_map.code_digits} chữ số, ví dụ {words['example']}",
        f"no unit has this code; {when_en} the map of {admin_map.title['en']}: a {words['en']} "
        f"code has {admin_map.code_digits} digits, e.g. {words['example']}",
        "unknown_district",
    )


@functools.lru_cache(maxsize=1)
def _both_maps() -> UnitFinder:
    return UnitFinder({
        maps.DISTRICT_MAP.id: lambda: nz.DistrictIndex.from_unit_list(geo.read_district_list()),
        maps.COMMUNE_MAP.id: lambda: nz.DistrictIndex.from_commune_list(geo.commune_unit_list()),
    })
