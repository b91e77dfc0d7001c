"""(Re)build the database: official facts, census population and illustrative data for both maps."""

from __future__ import annotations

import argparse
import sys

import pandas as pd
from sqlalchemy.engine import make_url

from . import geo, illustrative, maps, store
from .catalogue import FACTS_PATH, UNIT_MAP_LEVELS, Catalogue, load_catalogue, load_facts
from .errors import DataError

SEED_USER = "seed"


def seed_database(db_url: str | None = None) -> int:
    """Recreate the database from the files in the repository; returns the rows written."""
    catalogue = load_catalogue()
    facts = load_facts()
    districts = geo.load_districts()
    communes = illustrative.commune_units()
    generated = pd.concat(
        [illustrative.generate(districts, facts), illustrative.generate_communes(communes, facts)],
        ignore_index=True,
    )
    check_generated(generated, catalogue, {
        maps.DISTRICT_MAP.id: set(districts["code"]), maps.COMMUNE_MAP.id: set(communes["code"]),
    })
    engine = store.create_db_engine(db_url)
    try:
        return store.rebuild(
            engine,
            [
                (FACTS_PATH.name, facts),
                (geo.DISTRICT_LIST.name, illustrative.census_population(districts)),
                ("illustrative", generated),
            ],
            user_name=SEED_USER,
        )
    finally:
        engine.dispose()


def check_generated(generated: pd.DataFrame, catalogue: Catalogue, unit_codes: dict[str, set[str]]) -> None:
    """Every generated row names a catalogue indicator drawn on its map, a unit of that map, and
    a period that map is valid for (maps.map_for_period); RuntimeError naming the first that does not."""
    unknown = sorted(set(generated["indicator_id"]) - set(catalogue.indicators))
    if unknown:
        raise RuntimeError(f"generator produced indicators missing from the catalogue: {unknown}")
    cells = generated[["indicator_id", "map_id", "period"]].drop_duplicates()
    for cell in cells.itertuples(index=False):
        indicator = catalogue.get(cell.indicator_id)
        if cell.map_id not in UNIT_MAP_LEVELS or not indicator.is_on_map(cell.map_id):
            raise RuntimeError(f"generator put {cell.indicator_id} on map {cell.map_id!r}, which its levels "
                               f"{indicator.levels} do not include")
        period_map = maps.map_for_period(int(cell.period), indicator.frequency)
        if period_map.id != cell.map_id:
            raise RuntimeError(f"generator put {cell.indicator_id} {cell.period} on map {cell.map_id}, but that "
                               f"period is drawn on {period_map.id}")
    for map_id, codes in unit_codes.items():
        strangers = sorted(set(generated.loc[generated["map_id"] == map_id, "unit_code"]) - codes)
        if strangers:
            raise RuntimeError(f"generator produced unit codes that are not on map {map_id}: {strangers[:5]}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--if-missing", action="store_true",
        help="do nothing when the database already holds observations",
    )
    parser.add_argument(
        "--force", action="store_true",
        help="rebuild even when imported figures (and their history) would be erased",
    )


def run(args: argparse.Namespace) -> int:
    """`python -m dashboard seed [--if-missing] [--force]`."""
    url = store.database_url()
    shown = make_url(url).render_as_string(hide_password=True)
    if args.if_missing and store.database_exists(url):
        print(f"Cơ sở dữ liệu đã có / database already present: {shown}")
        return 0
    imported = store.imported_batch_count(url)
    if imported and not args.force:
        print(f"Cơ sở dữ liệu có {imported} lần nhập số liệu; tạo lại sẽ xóa chúng và lịch sử. "
              f"Dùng --force nếu thật sự muốn.\n"
              f"The database holds {imported} imports; rebuilding would erase them and their "
              f"history. Use --force if you really mean it.", file=sys.stderr)
        return 1
    try:
        rows = seed_database(url)
    except DataError as error:
        print(error.message("vi"), file=sys.stderr)
        print(error.message("en"), file=sys.stderr)
        return 1
    print(f"Đã tạo {rows} quan sát / wrote {rows} observations: {shown}")
    return 0
