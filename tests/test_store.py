"""The store keeps one tidy observation table, written in batches."""

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import store
from dashboard.seed import seed_database


def test_seeded_database_holds_official_and_illustrative_rows(seeded_db_url):
    engine = store.create_db_engine(seeded_db_url)
    observations = store.read_observations(engine)
    assert set(observations["status"]) == {"official", "provisional", "illustrative"}
    assert list(observations.columns[:9]) == store.OBSERVATION_COLUMNS
    assert observations["unit_code"].map(type).eq(str).all()
    city = observations.query("map_id == 'hn_city' and indicator_id == 'women_district_council_pct'")
    assert city.iloc[0][["numerator", "denominator"]].tolist() == [356, 1183]
    assert "hanoimoi" in city.iloc[0]["source"]


def test_each_seed_source_is_its_own_batch(seeded_db_url):
    engine = store.create_db_engine(seeded_db_url)
    with engine.connect() as connection:
        batches = pd.read_sql(sa.select(store.batches), connection)
    assert batches["kind"].eq("seed").all()
    assert batches["row_count"].sum() == len(store.read_observations(engine))
    assert store.data_version(engine) == batches["id"].max()


def test_database_url_defaults_to_embedded_sqlite(monkeypatch):
    monkeypatch.delenv(store.DB_URL_ENV, raising=False)
    assert store.database_url() == f"sqlite:///{store.DEFAULT_DB_PATH}"
    monkeypatch.setenv(store.DB_URL_ENV, "postgresql://u@h/db")
    assert store.database_url() == "postgresql://u@h/db"


def test_database_exists_only_after_seeding(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    assert not store.database_exists(url)
    seed_database(url)
    assert store.database_exists(url)


def test_a_failed_rebuild_leaves_the_previous_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed_database(url)
    engine = store.create_db_engine(url)
    before = len(store.read_observations(engine))
    # A row without unit, indicator or status violates the schema half-way through the rebuild.
    bad = pd.DataFrame([{**{column: None for column in store.OBSERVATION_COLUMNS}, "period": 2016}])
    with pytest.raises(sa.exc.IntegrityError):
        store.rebuild(engine, [("bad", bad)], user_name="test")
    assert len(store.read_observations(engine)) == before
