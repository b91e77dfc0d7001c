"""Write an import as one batch in one transaction; list batches; roll a batch back exactly.

Nothing is ever overwritten. An import deactivates the active rows of the cells it sets
(`superseded_by` = the import's batch) and inserts new active rows. A rollback
deactivates the batch's rows and reactivates exactly the rows the batch superseded, and is
itself recorded as a batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from dashboard import store
from dashboard.i18n import format_datetime

# Hà Nội time (Indochina Time, no daylight saving) for everything shown to people.
# Serialises imports and rollbacks on PostgreSQL.
ADVISORY_LOCK_KEY = 2016_2025_04
CELL = ("map_id", "unit_code", "period", "indicator_id")
_CHUNK = 400

obs = store.observations
bat = store.batches


class Refused(Exception):
    """A write that must not happen, explained in both languages."""

    def __init__(self, vi: str, en: str, code: str) -> None:
        super().__init__(en)
        self.vi, self.en, self.code = vi, en, code

    def message(self, lang: str = "vi") -> str:
        return self.vi if lang == "vi" else self.en


def local_time(moment: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Hà Nội time; naive datetimes (SQLite) are UTC."""
    return "" if moment is None else format_datetime(moment, "vi")


def _lock(connection: sa.Connection) -> None:
    """Serialise writers for the rest of the transaction, before anything is read."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
    elif connection.dialect.name == "sqlite":
        # A write that changes nothing takes SQLite's write lock now (waiting for another
        # writer if need be), so that reading first cannot end in "database is locked".
        connection.exec_driver_sql("UPDATE batches SET id = id WHERE 1 = 0")


def _cells(rows: Iterable[dict]) -> list[tuple]:
    return [tuple(row[name] for name in CELL) for row in rows]


def stored_values(
    connection: sa.Connection, map_id: str, cells: Iterable[tuple[str, int, str]]
) -> dict[tuple[str, int, str], dict[str, float | None]]:
    """Active value, numerator and denominator of (unit_code, period, indicator_id) cells."""
    cells = sorted(set(cells))
    found: dict[tuple[str, int, str], dict[str, float | None]] = {}
    for start in range(0, len(cells), _CHUNK):
        chunk = cells[start:start + _CHUNK]
        query = sa.select(
            obs.c.unit_code, obs.c.period, obs.c.indicator_id, obs.c.value, obs.c.numerator,
            obs.c.denominator,
        ).where(
            obs.c.active, obs.c.map_id == map_id,
            sa.tuple_(obs.c.unit_code, obs.c.period, obs.c.indicator_id).in_(chunk),
        )
        for row in connection.execute(query):
            found[(row.unit_code, int(row.period), row.indicator_id)] = {
                "value": row.value, "numerator": row.numerator, "denominator": row.denominator,
            }
    return found


def _count_active(connection: sa.Connection, cells: list[tuple]) -> int:
    total = 0
    for start in range(0, len(cells), _CHUNK):
        chunk = cells[start:start + _CHUNK]
        total += connection.execute(
            sa.select(sa.func.count()).select_from(obs).where(
                obs.c.active,
                sa.tuple_(*[obs.c[name] for name in CELL]).in_(chunk),
            )
        ).scalar_one()
    return total


@dataclass(frozen=True)
class Written:
    batch_id: int | None
    rows: int
    replaced: int


def write_import(
    engine: sa.Engine,
    rows: list[dict],
    check: Callable[[sa.Connection], bool],
    *,
    user: str,
    file_name: str,
    sha256: str,
    comment: str | None,
    dry_run: bool,
) -> Written | None:
    """Check and write `rows` (OBSERVATION_COLUMNS dicts) in one transaction.

    `check(connection)` runs inside the transaction, after the lock, and returns False when
    the import must not go ahead (it records its own problems); then nothing is written and
    None is returned. With `dry_run` nothing is written either, but the counts are returned.
    """
    store.upgrade_schema(engine)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            if dry_run:
                if not check(connection):
                    return None
                return Written(None, len(rows), _count_active(connection, _cells(rows)))
            _lock(connection)
            created = store.now()
            batch_id = connection.execute(
                bat.insert().values(
                    kind="import", created_at=created, user_name=user, file_name=file_name,
                    sha256=sha256, row_count=len(rows), comment=comment or None,
                )
            ).inserted_primary_key[0]
            if not check(connection):
                transaction.rollback()
                return None
            connection.execute(
                obs.update()
                .where(*[obs.c[name] == sa.bindparam(f"cell_{name}") for name in CELL],
                       obs.c.active)
                .values(active=False, superseded_by=batch_id),
                [{f"cell_{name}": row[name] for name in CELL} for row in rows],
            )
            replaced = connection.execute(
                sa.select(sa.func.count()).select_from(obs).where(obs.c.superseded_by == batch_id)
            ).scalar_one()
            connection.execute(
                obs.insert(),
                [{**row, "updated_at": created, "batch_id": batch_id, "active": True,
                  "superseded_by": None} for row in rows],
            )
            transaction.commit()
            return Written(int(batch_id), len(rows), int(replaced))
        finally:
            if transaction.is_active:
                transaction.rollback()


# ---------------------------------------------------------------------- history


@dataclass(frozen=True)
class BatchInfo:
    """One line of the audit trail."""

    id: int
    kind: str  # "seed", "import" or "rollback"
    created_at: dt.datetime
    user_name: str
    file_name: str | None
    sha256: str | None
    row_count: int
    comment: str | None
    rolled_back_by: int | None
    # For a rollback batch: the batch it undid.
    reverts: int | None = None

    @property
    def time_text(self) -> str:
        """dd/mm/yyyy HH:MM, Hà Nội time."""
        return local_time(self.created_at)

    @property
    def rolled_back(self) -> bool:
        return self.rolled_back_by is not None

    def as_dict(self, lang: str = "vi") -> dict[str, object]:
        """The batch as one table row with headers in `lang`, for the data page."""
        vi = lang == "vi"
        kinds = {"seed": ("khởi tạo", "seed"), "import": ("nhập", "import"),
                 "rollback": ("hoàn tác", "rollback")}
        kind = kinds.get(self.kind, (self.kind, self.kind))[0 if vi else 1]
        if self.reverts is not None:
            kind += f" #{self.reverts}"
        rolled = ""
        if self.rolled_back:
            rolled = f"{'đã hoàn tác' if vi else 'rolled back'} (#{self.rolled_back_by})"
        return {
            "#": self.id,
            ("Loại" if vi else "Kind"): kind,
            ("Thời gian" if vi else "Time"): self.time_text,
            ("Người thực hiện" if vi else "User"): self.user_name,
            ("Tệp" if vi else "File"): self.file_name or "",
            "SHA-256": (self.sha256 or "")[:12],
            ("Số dòng" if vi else "Rows"): self.row_count,
            ("Ghi chú" if vi else "Comment"): self.comment or "",
            ("Hoàn tác" if vi else "Rolled back"): rolled,
        }


def list_batches(engine: sa.Engine, limit: int | None = None) -> list[BatchInfo]:
    """Every batch, newest first."""
    store.upgrade_schema(engine)
    query = sa.select(bat).order_by(bat.c.id.desc())
    if limit:
        query = query.limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
        reverts = dict(
            connection.execute(
                sa.select(bat.c.rolled_back_by, bat.c.id).where(bat.c.rolled_back_by.is_not(None))
            ).all()
        )
    return [
        BatchInfo(
            id=row["id"], kind=row["kind"], created_at=row["created_at"],
            user_name=row["user_name"], file_name=row["file_name"], sha256=row["sha256"],
            row_count=row["row_count"], comment=row["comment"],
            rolled_back_by=row["rolled_back_by"], reverts=reverts.get(row["id"]),
        )
        for row in rows
    ]


# --------------------------------------------------------------------- rollback


@dataclass(frozen=True)
class Restored:
    batch_id: int
    rollback_batch_id: int
    withdrawn: int
    reactivated: int


def rollback(engine: sa.Engine, batch_id: int, *, user: str, comment: str | None) -> Restored:
    """Undo import `batch_id` exactly, or raise Refused saying why not."""
    store.upgrade_schema(engine)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            _lock(connection)
            batch = connection.execute(
                sa.select(bat).where(bat.c.id == batch_id)).mappings().first()
            _refuse_unless_undoable(connection, batch, batch_id)
            created = store.now()
            rollback_id = connection.execute(
                bat.insert().values(
                    kind="rollback", created_at=created, user_name=user,
                    file_name=batch["file_name"], sha256=batch["sha256"], row_count=0,
                    comment=comment or f"Hoàn tác lô #{batch_id} / rollback of batch #{batch_id}",
                )
            ).inserted_primary_key[0]
            touched = connection.execute(
                sa.select(obs.c.map_id, obs.c.unit_code, obs.c.period).distinct()
                .where(obs.c.batch_id == batch_id)
            ).all()
            withdrawn = connection.execute(
                obs.update().where(obs.c.batch_id == batch_id, obs.c.active)
                .values(active=False, superseded_by=rollback_id)
            ).rowcount
            reactivated = connection.execute(
                obs.update().where(obs.c.superseded_by == batch_id)
                .values(active=True, superseded_by=None)
            ).rowcount
            # The restored values must still agree with everything imported since: refuse,
            # with nothing written, rather than leave women trainees above all trainees.
            _refuse_if_inconsistent(connection, touched)
            connection.execute(
                bat.update().where(bat.c.id == rollback_id).values(row_count=withdrawn)
            )
            connection.execute(
                bat.update().where(bat.c.id == batch_id).values(rolled_back_by=rollback_id)
            )
            transaction.commit()
            return Restored(batch_id, int(rollback_id), int(withdrawn), int(reactivated))
        finally:
            if transaction.is_active:
                transaction.rollback()


def _refuse_unless_undoable(connection: sa.Connection, batch, batch_id: int) -> None:
    if batch is None:
        raise Refused(f"không có lô số liệu #{batch_id}", f"there is no batch #{batch_id}",
                      "no_batch")
    if batch["kind"] == "seed":
        raise Refused(
            f"lô #{batch_id} là dữ liệu khởi tạo (seed), không hoàn tác được",
            f"batch #{batch_id} is seed data and cannot be rolled back", "seed")
    if batch["kind"] != "import":
        raise Refused(
            f"lô #{batch_id} là một lần hoàn tác; muốn khôi phục, hãy nhập lại tệp",
            f"batch #{batch_id} is a rollback; to restore its data, import the file again",
            "not_import")
    if batch["rolled_back_by"] is not None:
        raise Refused(
            f"lô #{batch_id} đã được hoàn tác (lô #{batch['rolled_back_by']})",
            f"batch #{batch_id} was already rolled back (batch #{batch['rolled_back_by']})",
            "already")
    later = sorted(
        connection.execute(
            sa.select(obs.c.superseded_by).distinct()
            .where(obs.c.batch_id == batch_id, obs.c.superseded_by.is_not(None))
        ).scalars()
    )
    if later:
        ids = ", ".join(f"#{later_id}" for later_id in later)
        raise Refused(
            f"lô sau ({ids}) đã thay đổi cùng các ô số liệu; hãy hoàn tác lô đó trước",
            f"a later batch ({ids}) changed the same cells; roll that batch back first",
            "later_batch")


def restored_conflicts(connection: sa.Connection, cells: Iterable[tuple]) -> list[dict]:
    """Cross-indicator rules (validate.COMPARISONS) broken by the active values of these
    (map_id, unit_code, period) cells, as dicts: unit_code, period, small, large, the two
    values, the batches they come from, and the rule's reason in both languages."""
    from .validate import COMPARISONS

    cells = sorted(set(cells))
    indicators = sorted({rule[0] for rule in COMPARISONS} | {rule[2] for rule in COMPARISONS})
    found: dict[tuple, dict] = {}
    for start in range(0, len(cells), _CHUNK):
        chunk = cells[start:start + _CHUNK]
        query = sa.select(
            obs.c.map_id, obs.c.unit_code, obs.c.period, obs.c.indicator_id, obs.c.value,
            obs.c.numerator, obs.c.denominator, obs.c.batch_id,
        ).where(
            obs.c.active, obs.c.indicator_id.in_(indicators),
            sa.tuple_(obs.c.map_id, obs.c.unit_code, obs.c.period).in_(chunk),
        )
        for row in connection.execute(query).mappings():
            found[(row["map_id"], row["unit_code"], int(row["period"]), row["indicator_id"])] = row
    conflicts = []
    for map_id, unit_code, period in cells:
        for small_id, small_part, large_id, large_part, vi, en in COMPARISONS:
            small_row = found.get((map_id, unit_code, int(period), small_id))
            large_row = found.get((map_id, unit_code, int(period), large_id))
            if small_row is None or large_row is None:
                continue
            small, large = small_row[small_part], large_row[large_part]
            if small is None or large is None or small != small or large != large:
                continue  # missing figures (None or NaN) break no rule
            if small > large:
                conflicts.append({
                    "unit_code": unit_code, "period": int(period), "small": small_id,
                    "large": large_id, "small_value": small, "large_value": large,
                    "small_batch": small_row["batch_id"], "large_batch": large_row["batch_id"],
                    "vi": vi.format(small=small, large=large),
                    "en": en.format(small=small, large=large),
                })
    return conflicts


def _refuse_if_inconsistent(connection: sa.Connection, touched) -> None:
    conflicts = restored_conflicts(connection, touched)
    if not conflicts:
        return
    shown = conflicts[:3]
    more = len(conflicts) - len(shown)
    vi = "; ".join(
        f"đơn vị mã {c['unit_code']}, kỳ {c['period']}: {c['vi']} (lô #{c['small_batch']} và "
        f"lô #{c['large_batch']})" for c in shown)
    en = "; ".join(
        f"unit {c['unit_code']}, period {c['period']}: {c['en']} (batches #{c['small_batch']} "
        f"and #{c['large_batch']})" for c in shown)
    if more:
        vi += f"; và {more} mâu thuẫn khác"
        en += f"; and {more} more"
    raise Refused(
        f"số liệu được khôi phục sẽ mâu thuẫn với số liệu nhập sau: {vi}. Không có gì thay "
        "đổi; hãy hoàn tác hoặc sửa lô sau trước",
        f"the restored figures would contradict figures imported later: {en}. Nothing was "
        "changed; roll back or correct the later batch first",
        "conflict",
    )
