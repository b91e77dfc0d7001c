"""Export slide-ready PNGs, a PowerPoint deck or an offline HTML snapshot.

    python -m dashboard export png --indicator ID --period P --view map|chart [--lang en]
                                   --out FILE.png
    python -m dashboard export pptx --period P [--lang en] --out deck.pptx
    python -m dashboard export html --page PAGE [--indicator ID] [--period P] [--district CODE]
                                    [--lang en] --out snapshot.html

PAGE is any page that shows figures: overview, map, committees, leadership, capacity, health,
district (needs --district) or methods. Without --indicator an indicator page shows its first
indicator; without --period, its latest period (the overview: its latest year).

Reads the configured database (DASHBOARD_DB_URL); needs no browser and no network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Only the standard library here: `python -m dashboard` imports every command's module
# to build its parser, and the export libraries take seconds to load.
FORMATS = ("png", "pptx", "html")
LANGUAGES = ("vi", "en")
# The pages `export html` copies; export.pages.PAGES, which imports Panel, must agree.
HTML_PAGES = ("overview", "map", "committees", "leadership", "capacity", "health", "district", "methods")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    formats = parser.add_subparsers(dest="format", required=True, metavar="{png,pptx,html}")

    png = formats.add_parser("png", help="1920×1080 PNG of the map or the ranking chart")
    _indicator_arguments(png)
    png.add_argument("--view", choices=("map", "chart"), required=True, help="map or ranking chart")
    _common_arguments(png)

    pptx = formats.add_parser("pptx", help="16:9 PowerPoint deck of the headline indicators")
    pptx.add_argument("--period", type=int, required=True, help="year, e.g. 2024")
    _common_arguments(pptx)

    html = formats.add_parser("html", help="self-contained HTML page that opens offline")
    html.add_argument("--page", choices=HTML_PAGES, default="map", help="page to copy (default: map)")
    html.add_argument("--indicator", help="indicator id (default: the page's first)")
    html.add_argument("--period", type=int, help="year (default: the latest with figures)")
    html.add_argument("--district", default="",
                      help="GSO code of the unit to select: a district (e.g. 271) up to 2024, "
                      "a commune or ward (e.g. 00070) from 2025")
    _common_arguments(html)


def _indicator_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--indicator", required=True, help="indicator id from data/indicators.yaml")
    parser.add_argument(
        "--period",
        type=int,
        required=True,
        help="year; a year inside an election term selects that term",
    )


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default="vi", help="language (default: vi)")
    parser.add_argument("--out", type=Path, required=True, help="file to write")


def run(args: argparse.Namespace) -> int:
    from ..data import get_data
    from ..errors import DataError

    try:
        data = get_data()
    except DataError as error:
        print(error.message("vi"), file=sys.stderr)
        print(error.message("en"), file=sys.stderr)
        return 1
    indicator = getattr(args, "indicator", None)
    if indicator is not None and indicator not in data.catalogue:
        print(f"Không có chỉ tiêu / unknown indicator: {indicator!r}", file=sys.stderr)
        return 2
    district = _unit_code(getattr(args, "district", ""))
    if district and district not in _known_units(data):
        print(f"Không có quận, huyện, xã, phường / unknown district or commune code: {district!r}",
              file=sys.stderr)
        return 2
    if hasattr(args, "district"):
        args.district = district

    refusals: tuple = ()
    if args.format == "html":  # only a page copy needs Panel, which takes seconds to load
        from .pages import PageRequestError

        refusals = (PageRequestError,)
    try:
        content, note = _export(data, args)
    except refusals as error:
        print(error.message("vi"), file=sys.stderr)
        print(error.message("en"), file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        args.out.write_text(content, encoding="utf-8")
    else:
        args.out.write_bytes(content)
    if note:
        print(note)
    print(f"Đã ghi / wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


def _unit_code(code: str) -> str:
    """A district code padded to 3 digits ('1' is '001'); a 4- or 5-digit code is a commune's, padded to 5."""
    code = (code or "").strip()
    if not code.isdigit():
        return code
    return code.zfill(3) if len(code) <= 3 else code.zfill(5)


def _known_units(data) -> set[str]:
    """Codes of the units of both maps: 3-digit districts and 5-digit communes and wards."""
    from ..maps import MAPS

    return {code for map_id in MAPS for code in data.units(map_id)["code"]}


def _export(data, args: argparse.Namespace) -> tuple[bytes | str, str]:
    """The file's content, and a note when the period shown is not the one asked for."""
    from . import common

    if args.format == "pptx":
        from .deck import deck_bytes

        return deck_bytes(data, args.period, args.lang), ""
    district = getattr(args, "district", "")
    if args.format == "html":
        from .pages import page_html

        copy = page_html(
            data, args.page, indicator=args.indicator, period=args.period,
            district=district, lang=args.lang,
        )
        note = ""
        if args.period is not None and copy.period != args.period and args.page not in ("district", "methods"):
            note = f"Kỳ hiển thị / period shown: {copy.period} (yêu cầu / requested {args.period})"
        return copy.html, note
    snapshot = common.snapshot_for(
        data, args.indicator, args.period, args.lang, district=district
    )
    note = ""
    if snapshot.state.year != args.period:
        note = (
            f"Kỳ hiển thị / period shown: {snapshot.state.year} (yêu cầu / requested {args.period})"
        )
    from .images import render_png

    return render_png(snapshot, args.view), note
