"""Which People's Councils exist: a council that is not organised is a state of its own,
never missing data.

Resolution 97/2019/QH14 (art. 1(1)) piloted urban government in Hà Nội: from 1 July 2021
the wards (phường) of the urban districts and of Sơn Tây town have no People's Council,
while the city and every quận, huyện, thị xã, xã and thị trấn keep theirs. All the
commune-level units of a quận are wards, so from the 2021-2026 term a quận has no
commune-level council at all; Sơn Tây keeps those of its six communes (xã).
"""

from __future__ import annotations

import pandas as pd

# The status of a cell whose council does not exist; shown as "không tổ chức HĐND".
NO_COUNCIL = "no_council"
# The first election term without ward councils (Resolution 97/2019/QH14, from 1 July 2021).
NO_WARD_COUNCIL_FROM_TERM = 2021
# Indicators measured over the councils of a district's commune-level units.
COMMUNE_COUNCIL_INDICATORS = frozenset({"women_commune_council_pct"})
# District-level units whose commune-level units are all wards.
ALL_WARDS_UNIT_TYPES = frozenset({"quận"})


def has_no_council(indicator_id: str, unit_type: str, period: int) -> bool:
    """True when the unit has no council of the level the indicator measures in `period`."""
    return (
        indicator_id in COMMUNE_COUNCIL_INDICATORS
        and unit_type in ALL_WARDS_UNIT_TYPES
        and period >= NO_WARD_COUNCIL_FROM_TERM
    )


def no_council_mask(indicator_id: str, unit_types: pd.Series, period: int) -> pd.Series:
    """has_no_council for every district of a table, aligned with it."""
    return unit_types.map(lambda unit_type: has_no_council(indicator_id, unit_type, period)).astype(bool)


def without_council(display: pd.DataFrame) -> pd.Series:
    """Rows of a display table whose council is not organised."""
    return display["status"] == NO_COUNCIL


def lacking_data(display: pd.DataFrame) -> pd.Series:
    """Rows of a display table with no figure although their council exists: missing data."""
    return display["value"].isna() & ~without_council(display)
