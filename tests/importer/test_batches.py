"""Audit trail and rollback: every import is a batch, older values are kept, and a rollback
restores the previous state exactly. On SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import store
from dashboard.importer import batch_history, import_bytes, rollback_batch
from dashboard.importer.batches import local_time

CSV_HEADER = "district,period,indicator_id,value,numerator,denominator,source"


def csv(*rows: str) -> bytes:
    return ("\n".join([CSV_HEADER, *rows]) + "\n").encode()


FIRST = csv("Ba Vì,2024,trainees,300,,,Báo cáo A",
            "Ba Vì,2024,female_cadres_in_planning_pct,,20,50,Báo cáo A",
            "Mỹ Đức,2024,committee_established,Có,,,Báo cáo A")
SECOND = csv("Ba Vì,2024,trainees,310,,,Báo cáo B")
UNRELATED = csv("Sóc Sơn,2023,gender_officers,4,,,Báo cáo C")


def active_frame(url: str) -> pd.DataFrame:
    """Every active observation, in a stable order, with the time it was written."""
    engine = store.create_db_engine(url)
    try:
        frame = store.read_observations(engine)
    finally:
        engine.dispose()
    return frame.sort_values(["map_id", "unit_code", "period", "indicator_id"]).reset_index(
        drop=True)


def table(url: str, table: sa.Table) -> pd.DataFrame:
    engine = store.create_db_engine(url)
    try:
        with engine.connect() as connection:
            return pd.read_sql(sa.select(table).order_by(table.c.id), connection)
    finally:
        engine.dispose()


def run(url: str, data: bytes, name: str = "bao-cao.csv", **options):
    result = import_bytes(data, name, user=options.pop("user", "can.bo"), db_url=url, **options)
    assert result.ok, result.messages("en")
    return result


def test_an_import_is_a_batch_and_keeps_the_older_values(fresh_db_url):
    before = table(fresh_db_url, store.observations)
    result = run(fresh_db_url, FIRST, comment="Số liệu quý 4")
    batches = table(fresh_db_url, store.batches).set_index("id")
    batch = batches.loc[result.batch_id]
    assert batch["kind"] == "import" and batch["user_name"] == "can.bo"
    assert batch["file_name"] == "bao-cao.csv" and batch["row_count"] == 3
    assert batch["comment"] == "Số liệu quý 4"
    assert re.fullmatch(r"[0-9a-f]{64}", batch["sha256"]) and batch["sha256"] == result.sha256
    after = table(fresh_db_url, store.observations)
    assert len(after) == len(before) + 3
    superseded = after[after["superseded_by"] == result.batch_id]
    assert len(superseded) == result.replaced == 3
    assert not superseded["active"].any() and set(superseded["status"]) == {"illustrative"}
    new = after[after["batch_id"] == result.batch_id]
    assert new["active"].all() and set(new["status"]) == {"official"}
    assert new.set_index("indicator_id").loc["female_cadres_in_planning_pct", "value"] == 40.0


def test_rollback_restores_the_previous_state_exactly(fresh_db_url, fingerprint):
    original = active_frame(fresh_db_url)
    imported = run(fresh_db_url, FIRST)
    assert not active_frame(fresh_db_url).equals(original)
    undone = rollback_batch(imported.batch_id, user="truong.phong", comment="nhập nhầm",
                            db_url=fresh_db_url)
    assert undone.ok, undone.message("en")
    assert (undone.withdrawn, undone.reactivated) == (3, 3)
    pd.testing.assert_frame_equal(active_frame(fresh_db_url), original)
    batches = table(fresh_db_url, store.batches).set_index("id")
    assert batches.loc[imported.batch_id, "rolled_back_by"] == undone.rollback_batch_id
    rollback = batches.loc[undone.rollback_batch_id]
    assert (rollback["kind"], rollback["user_name"], rollback["comment"]) == (
        "rollback", "truong.phong", "nhập nhầm")
    # The rolled-back values are kept, deactivated by the rollback batch.
    rows = table(fresh_db_url, store.observations)
    withdrawn = rows[rows["batch_id"] == imported.batch_id]
    assert len(withdrawn) == 3 and not withdrawn["active"].any()
    assert set(withdrawn["superseded_by"]) == {undone.rollback_batch_id}
    # A second rollback is refused and changes nothing.
    state = fingerprint(fresh_db_url)
    again = rollback_batch(imported.batch_id, user="x", db_url=fresh_db_url)
    assert not again.ok and again.code == "already"
    assert f"#{undone.rollback_batch_id}" in again.message("vi")
    assert fingerprint(fresh_db_url) == state


def test_rollback_is_refused_while_a_later_batch_changed_the_same_cells(fresh_db_url,
                                                                         fingerprint):
    original = active_frame(fresh_db_url)
    first = run(fresh_db_url, FIRST)
    after_first = active_frame(fresh_db_url)
    second = run(fresh_db_url, SECOND)
    run(fresh_db_url, UNRELATED)
    state = fingerprint(fresh_db_url)
    refused = rollback_batch(first.batch_id, user="x", db_url=fresh_db_url)
    assert not refused.ok and refused.code == "later_batch"
    assert f"#{second.batch_id}" in refused.message("vi")
    assert "roll that batch back first" in refused.message("en")
    assert fingerprint(fresh_db_url) == state
    # Undo the later batch first, then the first one: back to the original values, except
    # the unrelated import, which stays.
    assert rollback_batch(second.batch_id, user="x", db_url=fresh_db_url).ok
    pd.testing.assert_frame_equal(
        active_frame(fresh_db_url).drop(columns="updated_at"),
        _with_unrelated(after_first, fresh_db_url).drop(columns="updated_at"),
    )
    assert rollback_batch(first.batch_id, user="x", db_url=fresh_db_url).ok
    now = active_frame(fresh_db_url)
    unrelated = (now["unit_code"] == "016") & (now["period"] == 2023) & (
        now["indicator_id"] == "gender_officers")
    assert now.loc[unrelated, "value"].tolist() == [4.0]
    restored = now[~unrelated].reset_index(drop=True)
    expected = original[~((original["unit_code"] == "016") & (original["period"] == 2023) & (
        original["indicator_id"] == "gender_officers"))].reset_index(drop=True)
    pd.testing.assert_frame_equal(restored, expected)


def _with_unrelated(frame: pd.DataFrame, url: str) -> pd.DataFrame:
    current = active_frame(url)
    mask = (current["unit_code"] == "016") & (current["period"] == 2023) & (
        current["indicator_id"] == "gender_officers")
    other = (frame["unit_code"] == "016") & (frame["period"] == 2023) & (
        frame["indicator_id"] == "gender_officers")
    merged = pd.concat([frame[~other], current[mask]])
    return merged.sort_values(["map_id", "unit_code", "period", "indicator_id"]).reset_index(
        drop=True)


@pytest.mark.parametrize(("batch", "code"), [(1, "seed"), (9999, "no_batch")])
def test_seed_and_unknown_batches_cannot_be_rolled_back(fresh_db_url, fingerprint, batch,
                                                        code):
    state = fingerprint(fresh_db_url)
    refused = rollback_batch(batch, user="x", db_url=fresh_db_url)
    assert not refused.ok and refused.code == code
    assert refused.message("vi").startswith(f"Không hoàn tác được lô #{batch}")
    assert refused.message("en").startswith(f"Cannot roll back batch #{batch}")
    assert fingerprint(fresh_db_url) == state


def test_a_rollback_cannot_itself_be_rolled_back(fresh_db_url):
    imported = run(fresh_db_url, SECOND)
    undone = rollback_batch(imported.batch_id, user="x", db_url=fresh_db_url)
    refused = rollback_batch(undone.rollback_batch_id, user="x", db_url=fresh_db_url)
    assert not refused.ok and refused.code == "not_import"
    assert "import the file again" in refused.message("en")


def test_history_lists_every_batch_newest_first(fresh_db_url):
    imported = run(fresh_db_url, FIRST, comment="lần 1")
    undone = rollback_batch(imported.batch_id, user="truong.phong", db_url=fresh_db_url)
    history = batch_history(fresh_db_url)
    assert [b.kind for b in history[:2]] == ["rollback", "import"]
    assert history[-1].kind == "seed"
    rollback, batch = history[0], history[1]
    assert rollback.reverts == imported.batch_id and batch.rolled_back_by == rollback.id
    assert rollback.id == undone.rollback_batch_id
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", batch.time_text)
    row = batch.as_dict("vi")
    assert row["Tệp"] == "bao-cao.csv" and row["Số dòng"] == 3 and row["Ghi chú"] == "lần 1"
    assert row["SHA-256"] == imported.sha256[:12]
    assert row["Hoàn tác"] == f"đã hoàn tác (#{rollback.id})"
    assert batch.as_dict("en")["Rolled back"] == f"rolled back (#{rollback.id})"
    assert len(batch_history(fresh_db_url, limit=1)) == 1


def test_times_are_shown_in_hanoi_time():
    moment = dt.datetime(2025, 1, 31, 20, 5, tzinfo=dt.timezone.utc)
    assert local_time(moment) == "01/02/2025 03:05"
    assert local_time(moment.replace(tzinfo=None)) == "01/02/2025 03:05"  # SQLite: naive UTC


def test_a_dry_run_reports_and_writes_nothing(fresh_db_url, fingerprint):
    state = fingerprint(fresh_db_url)
    result = import_bytes(FIRST, "bao-cao.csv", user="x", db_url=fresh_db_url, dry_run=True)
    assert result.ok and result.dry_run and result.batch_id is None
    assert (result.rows, result.replaced) == (3, 3)
    assert "chạy thử" in result.summary("vi") and "dry run" in result.summary("en")
    assert fingerprint(fresh_db_url) == state


def test_the_database_keeps_one_active_row_per_cell(fresh_db_url):
    engine = store.create_db_engine(fresh_db_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                sa.select(store.observations).where(store.observations.c.active).limit(1)
            ).mappings().one()
        duplicate = {k: v for k, v in row.items() if k != "id"}
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(store.observations.insert().values(**duplicate))
    finally:
        engine.dispose()


def test_databases_seeded_before_imports_are_upgraded(fresh_db_url):
    """An older database (no superseded_by, rolled_back_by or unique index) still imports."""
    engine = store.create_db_engine(fresh_db_url)
    old = sa.MetaData()

    def old_table(table: sa.Table, new_column: str) -> sa.Table:
        return sa.Table(table.name, old, *(
            sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
            for c in table.columns if c.name != new_column))

    old_batches = old_table(store.batches, "rolled_back_by")
    old_observations = old_table(store.observations, "superseded_by")
    try:
        with engine.begin() as connection:
            store.metadata.drop_all(connection)
            old.create_all(connection)
            batch = connection.execute(old_batches.insert().values(
                kind="seed", created_at=store.now(), user_name="seed", row_count=1)
            ).inserted_primary_key[0]
            connection.execute(old_observations.insert().values(
                map_id="hn_districts_2014", unit_code="271", period=2024,
                indicator_id="trainees", value=1.0, status="illustrative", source="x",
                updated_at=store.now(), batch_id=batch, active=True))
    finally:
        engine.dispose()
    store._UPGRADED.clear()
    result = run(fresh_db_url, SECOND)
    assert result.replaced == 1
    assert rollback_batch(result.batch_id, user="x", db_url=fresh_db_url).ok
    assert active_frame(fresh_db_url)["value"].tolist() == [1.0]


def test_concurrent_imports_are_serialised(fresh_db_url):
    """Imports from two sessions at once (e.g. two editors, or --num-procs 2) never leave two
    active values for one cell, and none fails."""
    from concurrent.futures import ThreadPoolExecutor

    files = [csv(f"Ba Vì,2024,trainees,{300 + n},,,", f"Mỹ Đức,2024,trainees,{400 + n},,,")
             for n in range(6)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(
            lambda data: import_bytes(data, "song-song.csv", user="x", db_url=fresh_db_url),
            files))
    assert all(result.ok for result in results), [r.messages("en") for r in results]
    assert len({result.batch_id for result in results}) == 6
    frame = active_frame(fresh_db_url)
    trainees = frame[(frame["indicator_id"] == "trainees") & (frame["period"] == 2024)]
    assert trainees["unit_code"].is_unique and len(trainees) == 30
    rows = table(fresh_db_url, store.observations)
    cell = rows[(rows["unit_code"] == "271") & (rows["indicator_id"] == "trainees")
                & (rows["period"] == 2024)]
    assert len(cell) == 7 and cell["active"].sum() == 1  # the seed value and six imports


def test_a_rollback_that_would_break_a_cross_indicator_rule_is_refused(fresh_db_url, fingerprint):
    # Ba Vì 2024: 100 trainees of whom 60 women; then 300 trainees; then 250 women (fine
    # against 300). Undoing the 300 would leave 250 women among 100 trainees.
    run(fresh_db_url, csv("Ba Vì,2024,trainees,100,,,A", "Ba Vì,2024,trainees_female,60,,,A"))
    more_trainees = run(fresh_db_url, csv("Ba Vì,2024,trainees,300,,,B"))
    more_women = run(fresh_db_url, csv("Ba Vì,2024,trainees_female,250,,,C"))
    state = fingerprint(fresh_db_url)
    refused = rollback_batch(more_trainees.batch_id, user="truong.phong", db_url=fresh_db_url)
    assert not refused.ok and refused.code == "conflict"
    assert fingerprint(fresh_db_url) == state  # nothing written, not even the rollback batch
    assert "số học viên nữ (250) nhiều hơn tổng số học viên (100)" in refused.reason_vi
    assert "more women trainees (250) than trainees in total (100)" in refused.reason_en
    assert "271" in refused.reason_vi and "2024" in refused.reason_en
    assert f"#{more_women.batch_id}" in refused.reason_en
    assert "Không có gì thay đổi" in refused.message("vi")
    assert "Nothing was changed" in refused.message("en")
    # Undone in the right order, both rollbacks go through.
    assert rollback_batch(more_women.batch_id, user="truong.phong", db_url=fresh_db_url).ok
    assert rollback_batch(more_trainees.batch_id, user="truong.phong", db_url=fresh_db_url).ok


def test_a_rollback_that_keeps_the_rules_goes_through(fresh_db_url):
    run(fresh_db_url, csv("Ba Vì,2024,trainees,100,,,A", "Ba Vì,2024,trainees_female,60,,,A"))
    more_trainees = run(fresh_db_url, csv("Ba Vì,2024,trainees,300,,,B"))
    run(fresh_db_url, csv("Ba Vì,2024,trainees_female,90,,,C"))
    assert rollback_batch(more_trainees.batch_id, user="truong.phong", db_url=fresh_db_url).ok
