"""Build the embedded database: official facts, census population and illustrative district data."""

from __future__ import annotations

from . import geo, illustrative, store
from .catalogue import FACTS_PATH, load_catalogue, load_facts

SEED_USER = "seed"


def seed_database(db_url: str | None = None) -> int:
    """Recreate the database from the files in the repository; returns the rows written."""
    catalogue = load_catalogue()
    facts = load_facts()
    districts = geo.load_districts()
    generated = illustrative.generate(districts, facts)
    unknown = sorted(set(generated["indicator_id"]) - set(catalogue.indicators))
    if unknown:
        raise RuntimeError(f"generator produced indicators missing from the catalogue: {unknown}")
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
