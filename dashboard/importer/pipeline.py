"""The import as the CLI and the data page call it: bytes in, a result object out, never a
traceback."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import sqlalchemy as sa

from dashboard import maps, store
from dashboard.catalogue import load_catalogue

from . import batches
from .parse import Candidate, Parser
from .problems import Collector, ImportProblem
from .readers import MAX_FILE_BYTES, MAX_FILE_LABEL, read_file
from .units import UnitFinder
from .validate import Checker, related_indicators

log = logging.getLogger(__name__)

IMPORT_STATUSES = ("official", "provisional")
# How the summary counts the units written, by the maps they belong to.
_UNIT_COUNT_WORDS = {
    (maps.DISTRICT_MAP.id,): {"vi": "quận/huyện", "en": "districts"},
    (maps.COMMUNE_MAP.id,): {"vi": "xã, phường", "en": "communes and wards"},
}
_MIXED_UNIT_WORDS = {"vi": "đơn vị hành chính", "en": "administrative units"}


@dataclass
class ImportResult:
    """What happened to one file. `ok` is True when it was (or, in a dry run, would be)
    written; otherwise `problems` lists every problem and nothing was written."""

    file_name: str
    sha256: str | None
    problems: list[ImportProblem] = field(default_factory=list)
    batch_id: int | None = None
    rows: int = 0  # observations written (or that a dry run would write)
    replaced: int = 0  # active values that were (or would be) superseded
    dry_run: bool = False
    status: str = "official"
    indicators: tuple[str, ...] = ()
    periods: tuple[int, ...] = ()
    districts: int = 0  # units written: districts, communes and wards
    map_ids: tuple[str, ...] = ()  # the maps they belong to
    # The observations written (or, in a dry run, that would be): map_id, unit_code, period,
    # indicator_id, value, numerator, denominator, status, source. Empty on problems.
    observations: list[dict] = field(default_factory=list)
    # Every problem found; `problems` keeps only the first MAX_PROBLEMS of them.
    problem_count: int = 0

    def __post_init__(self) -> None:
        self.problem_count = max(self.problem_count, len(self.problems))

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def more_problems(self) -> int:
        """Problems found but not listed (past MAX_PROBLEMS)."""
        return max(0, self.problem_count - len(self.problems))

    def messages(self, lang: str = "vi") -> list[str]:
        """Every problem as one line in `lang`."""
        return [problem.message(lang) for problem in self.problems]

    def problem_rows(self, lang: str = "vi") -> list[dict[str, object]]:
        """Every problem as a table row (file, sheet, row, column, value, reason)."""
        return [problem.as_dict(lang) for problem in self.problems]

    def summary(self, lang: str = "vi") -> str:
        """One sentence saying what happened."""
        vi = lang == "vi"
        if not self.ok:
            count = self.problem_count
            text = (f"Tệp {self.file_name} có {count} lỗi; không có gì được ghi vào cơ sở dữ liệu."
                    if vi else
                    f"{self.file_name} has {count} problem{'s' * (count != 1)}; nothing was "
                    "written to the database.")
            if self.more_problems:
                shown = len(self.problems)
                text += (f" Danh sách chỉ ghi {shown} lỗi đầu tiên; còn {self.more_problems} lỗi "
                         "khác không được liệt kê." if vi else
                         f" Only the first {shown} are listed; {self.more_problems} more are not.")
            return text
        periods = ", ".join(str(period) for period in self.periods)
        units = _UNIT_COUNT_WORDS.get(self.map_ids or (maps.DISTRICT_MAP.id,), _MIXED_UNIT_WORDS)["vi" if vi else "en"]
        if self.dry_run:
            return (f"Kiểm tra xong: {self.rows} giá trị hợp lệ ({self.districts} {units}, "
                    f"kỳ {periods}), sẽ thay {self.replaced} giá trị đang dùng; chưa ghi gì "
                    "(chạy thử)."
                    if vi else
                    f"Check passed: {self.rows} valid values ({self.districts} {units}, "
                    f"period {periods}) would replace {self.replaced} current values; nothing "
                    "written (dry run).")
        return (f"Đã nhập {self.rows} giá trị ({self.districts} {units}, kỳ {periods}) thành "
                f"lô #{self.batch_id}, thay {self.replaced} giá trị cũ (vẫn được lưu)."
                if vi else
                f"Imported {self.rows} values ({self.districts} {units}, period {periods}) as "
                f"batch #{self.batch_id}, replacing {self.replaced} older values (kept).")


def import_bytes(
    data: bytes,
    file_name: str,
    *,
    user: str,
    comment: str | None = None,
    status: str = "official",
    dry_run: bool = False,
    db_url: str | None = None,
    engine: sa.Engine | None = None,
) -> ImportResult:
    """Validate an uploaded file and, when it has no problem at all, write it as one batch.

    `data` is the file's content and `file_name` its name as uploaded (only the extension
    and the base name are used). Returns an ImportResult; never raises for bad input.
    """
    name = PurePath(str(file_name or "")).name or "upload"
    result = ImportResult(name, hashlib.sha256(data).hexdigest() if data is not None else None,
                          dry_run=dry_run, status=status)
    problems = Collector(name)
    try:
        _run(data, problems, result, user=user, comment=comment, status=status,
             dry_run=dry_run, db_url=db_url, engine=engine)
    except sa.exc.SQLAlchemyError:
        log.exception("import of %s failed in the database", name)
        problems.add(
            "database",
            "lỗi cơ sở dữ liệu; không có gì được ghi. Hãy thử lại hoặc báo quản trị viên",
            "database error; nothing was written. Try again or tell the administrator",
        )
    except Exception:
        log.exception("import of %s failed", name)
        problems.add(
            "internal",
            "lỗi hệ thống khi nhập tệp; không có gì được ghi. Hãy báo quản trị viên",
            "internal error while importing; nothing was written. Tell the administrator",
        )
    result.problems = sorted(problems.problems, key=ImportProblem.sort_key)
    result.problem_count = problems.total
    if result.problems:
        result.batch_id, result.rows, result.replaced = None, 0, 0
        result.observations = []
    return result


def _run(data, problems, result, *, user, comment, status, dry_run, db_url, engine) -> None:
    if status not in IMPORT_STATUSES:
        problems.add("bad_status", "trạng thái phải là official hoặc provisional",
                     "the status must be official or provisional", value=status)
    user = (user or "").strip()
    if not user:
        problems.add("no_user", "cần ghi tên người nhập", "the importing user is required")
    if not isinstance(data, (bytes, bytearray)):
        problems.add("empty", "tệp trống", "the file is empty")
        return
    book = read_file(bytes(data), result.file_name, problems)
    if book is None:
        return
    catalogue = load_catalogue()
    parser = Parser(problems, catalogue, UnitFinder.for_both_maps())
    candidates = parser.parse(book)
    if not candidates:
        return  # the parser said why (empty file, no header, or every row had problems)
    today = batches.local_time(store.now())[:10]
    default_source = f"{result.file_name} ({user}, {today})"
    rows = [_row(candidate, status, default_source) for candidate in candidates]
    checker = Checker(problems)

    def check(connection: sa.Connection) -> bool:
        wanted = related_indicators(candidate.indicator.id for candidate in candidates)
        stored = {}
        for map_id in sorted({c.map_id for c in candidates}):
            cells = [(c.district.code, c.period, other) for c in candidates if c.map_id == map_id
                     for other in wanted]
            if cells:
                stored.update(batches.stored_values(connection, map_id, cells))
        checker.check(candidates, stored)
        return not problems

    own_engine = engine is None
    engine = engine or store.create_db_engine(db_url)
    try:
        written = batches.write_import(
            engine, rows, check, user=user, file_name=result.file_name, sha256=result.sha256,
            comment=(comment or "").strip() or None, dry_run=dry_run,
        )
    finally:
        if own_engine:
            engine.dispose()
    if written is None:
        return
    result.batch_id, result.rows, result.replaced = written.batch_id, written.rows, written.replaced
    result.indicators = tuple(sorted({row["indicator_id"] for row in rows}))
    result.periods = tuple(sorted({row["period"] for row in rows}))
    result.districts = len({row["unit_code"] for row in rows})
    result.map_ids = tuple(sorted({row["map_id"] for row in rows}))
    result.observations = rows


def _row(candidate: Candidate, status: str, default_source: str) -> dict:
    value = candidate.number("value")
    numerator, denominator = candidate.number("numerator"), candidate.number("denominator")
    if candidate.indicator.is_percent and numerator is not None and denominator:
        value = round(100.0 * numerator / denominator, 2)
    return {
        "map_id": candidate.map_id,
        "unit_code": candidate.district.code,
        "period": int(candidate.period),
        "indicator_id": candidate.indicator.id,
        "value": None if value is None else float(value),
        "numerator": None if numerator is None else float(numerator),
        "denominator": None if denominator is None else float(denominator),
        "status": status,
        "source": candidate.source or default_source,
    }


def import_file(path: str | Path, **options) -> ImportResult:
    """`import_bytes` for a file on disk (the CLI); a missing or oversize file is a problem."""
    path = Path(path)
    name = path.name or str(path)
    problems = Collector(name)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(str(path))
    except OSError:
        problems.add("not_found", "không tìm thấy tệp", "file not found")
        return ImportResult(name, None, problems.problems, dry_run=options.get("dry_run", False))
    if size > MAX_FILE_BYTES:
        problems.add(
            "too_large",
            f"tệp quá lớn ({size / 1024 / 1024:.1f} MB); giới hạn là {MAX_FILE_LABEL}",
            f"the file is too large ({size / 1024 / 1024:.1f} MB); the limit is {MAX_FILE_LABEL}",
        )
        return ImportResult(name, None, problems.problems, dry_run=options.get("dry_run", False))
    try:
        data = path.read_bytes()
    except OSError:
        problems.add("not_found", "không đọc được tệp", "the file cannot be read")
        return ImportResult(name, None, problems.problems, dry_run=options.get("dry_run", False))
    return import_bytes(data, name, **options)


# ---------------------------------------------------------------- history, rollback


@dataclass
class RollbackResult:
    """What a rollback did, or why it was refused (`ok` False, nothing changed)."""

    batch_id: int
    ok: bool
    rollback_batch_id: int | None = None
    withdrawn: int = 0  # the batch's values taken out of use
    reactivated: int = 0  # the older values put back into use
    code: str | None = None  # why it was refused: no_batch, seed, not_import, already, ...
    reason_vi: str = ""
    reason_en: str = ""

    def message(self, lang: str = "vi") -> str:
        vi = lang == "vi"
        if not self.ok:
            return (f"Không hoàn tác được lô #{self.batch_id}: {self.reason_vi}" if vi else
                    f"Cannot roll back batch #{self.batch_id}: {self.reason_en}")
        return (f"Đã hoàn tác lô #{self.batch_id} (lô hoàn tác #{self.rollback_batch_id}): bỏ "
                f"{self.withdrawn} giá trị, khôi phục {self.reactivated} giá trị trước đó."
                if vi else
                f"Rolled back batch #{self.batch_id} (rollback batch #{self.rollback_batch_id}): "
                f"withdrew {self.withdrawn} values, restored {self.reactivated} earlier values.")


def rollback_batch(
    batch_id: int,
    *,
    user: str,
    comment: str | None = None,
    db_url: str | None = None,
    engine: sa.Engine | None = None,
) -> RollbackResult:
    """Restore the state before import `batch_id`; refusals come back as a result, not raised."""
    user = (user or "").strip()
    if not user:
        return RollbackResult(batch_id, False, code="no_user",
                              reason_vi="cần ghi tên người thực hiện",
                              reason_en="the user is required")
    own_engine = engine is None
    engine = engine or store.create_db_engine(db_url)
    try:
        done = batches.rollback(engine, int(batch_id), user=user,
                                comment=(comment or "").strip() or None)
    except batches.Refused as refused:
        return RollbackResult(batch_id, False, code=refused.code, reason_vi=refused.vi,
                              reason_en=refused.en)
    except sa.exc.SQLAlchemyError:
        log.exception("rollback of batch %s failed", batch_id)
        return RollbackResult(batch_id, False, code="database",
                              reason_vi="lỗi cơ sở dữ liệu; không có gì thay đổi",
                              reason_en="database error; nothing was changed")
    finally:
        if own_engine:
            engine.dispose()
    return RollbackResult(batch_id, True, done.rollback_batch_id, done.withdrawn,
                          done.reactivated)


def batch_history(
    db_url: str | None = None, *, limit: int | None = None, engine: sa.Engine | None = None
) -> list[batches.BatchInfo]:
    """The audit trail, newest batch first."""
    own_engine = engine is None
    engine = engine or store.create_db_engine(db_url)
    try:
        return batches.list_batches(engine, limit)
    finally:
        if own_engine:
            engine.dispose()
