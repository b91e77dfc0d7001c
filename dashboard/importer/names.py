"""Does the unit name written on a row belong to the GSO code on the same row?

A name that does not match its code is the usual sign of rows shifted by a sort or a paste,
so it is reported with both values instead of letting the code silently win. Harmless
variants are accepted: diacritics, case, extra or non-breaking spaces, NFC or NFD, the unit
prefix or suffix (Quận, Huyện, Thị xã, Q., H., TX, District... on the district map; Phường,
Xã, P., Ward, Commune on the 2025 map) and the English name.
"""

from __future__ import annotations

from dashboard import maps

from . import normalize as nz


def _skeletons(text: object, map_id: str) -> set[str]:
    """The name folded to lowercase ASCII without spaces, with and without the unit words of
    its map (a "Quận" is no ward prefix: "Quận Ba Đình" does not name Phường Ba Đình)."""
    folded = nz.fold(nz.clean_text(text))
    if map_id == maps.COMMUNE_MAP.id:
        bare = nz._COMMUNE_SUFFIX.sub("", nz._COMMUNE_PREFIX.sub("", folded))
    else:
        bare = nz._SUFFIX.sub("", nz._PREFIX.sub("", folded))
    return {nz._squash(folded), nz._squash(bare)}


def name_matches_code(district: nz.District, given: object) -> bool:
    """True when `given` is a spelling of the name of `district` (the district of the code)."""
    official = set()
    for name in {district.name_vi, district.full_name_vi, district.name_en, district.full_name_en} - {""}:
        official |= _skeletons(name, district.map_id)
    return bool(_skeletons(given, district.map_id) & official)


def name_mismatch(district: nz.District, given: object) -> tuple[str, str] | None:
    """The bilingual reason when `given` does not name the district of the code, else None.

    Both values are named: the code's official name and the name found in the file.
    """
    if nz.is_blank(given) or name_matches_code(district, given):
        return None
    shown = " ".join(nz.clean_text(given).split())
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return (
        f"tên không khớp với mã {district.code}: mã {district.code} là {district.full_name_vi}, "
        f"nhưng dòng này ghi «{shown}»; có thể các dòng đã bị lệch, hãy kiểm tra lại mã và tên",
        f"the name does not match code {district.code}: code {district.code} is "
        f"{district.full_name_vi} ({district.name_en}), but this row says “{shown}”; the rows "
        "may have shifted, check the code and the name",
    )
