"""Say whether the database file may be deleted: python -m dashboard distclean-check [--force].

`make distclean` calls this before it deletes data/dashboard.sqlite. Seed data can be rebuilt
with `make seed`; figures imported by data officers and their audit trail cannot. So the
check refuses (exit 1) while the file holds any import or rollback batch, unless forced.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from dashboard.store import DEFAULT_DB_PATH

    parser.add_argument("--database", type=Path, default=DEFAULT_DB_PATH,
                        help=f"the SQLite file to be deleted (default: {DEFAULT_DB_PATH})")
    parser.add_argument("--force", action="store_true",
                        help="allow deleting it even when it holds imported batches")


def imported_batches(path: Path) -> list[tuple[int, str, str | None, str | None]]:
    """(id, kind, file name, user) of every batch that is not seed data, newest first.

    Read with the standard library, read-only, so the check neither needs the full
    environment nor changes the file. Raises sqlite3.Error when the file cannot be read.
    """
    import sqlite3

    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "batches" not in tables:
            return []
        return list(connection.execute(
            "SELECT id, kind, file_name, user_name FROM batches WHERE kind <> 'seed' "
            "ORDER BY id DESC"))
    finally:
        connection.close()


def run(args: argparse.Namespace) -> int:
    import sqlite3

    path: Path = args.database
    if not path.exists():
        return 0
    try:
        found = imported_batches(path)
    except sqlite3.Error as error:
        if args.force:
            return 0
        print(f"Không đọc được {path} ({error}); không xóa. Dùng FORCE=1 để vẫn xóa.\n"
              f"Cannot read {path} ({error}); not deleting it. Use FORCE=1 to delete it anyway.",
              file=sys.stderr)
        return 1
    if not found:
        return 0
    imports = sum(1 for _id, kind, _file, _user in found if kind == "import")
    newest_id, _kind, newest_file, newest_user = found[0]
    newest = f"#{newest_id} {newest_file or ''} ({newest_user or ''})".replace(" ()", "")
    if args.force:
        print(f"FORCE: xóa {path} cùng {imports} lần nhập số liệu / deleting {path} with "
              f"{imports} imports", file=sys.stderr)
        return 0
    print(
        f"Không xóa {path}: tệp chứa {imports} lần nhập số liệu và {len(found) - imports} lần "
        f"hoàn tác (mới nhất: lô {newest}), không thể khởi tạo lại bằng `make seed`. Hãy sao "
        "lưu tệp trước; muốn xóa hẳn, chạy `make distclean FORCE=1`.\n"
        f"Not deleting {path}: it holds {imports} imports and {len(found) - imports} rollbacks "
        f"(newest: batch {newest}) that `make seed` cannot rebuild. Back the file up first; to "
        "delete it anyway, run `make distclean FORCE=1`.",
        file=sys.stderr,
    )
    return 1
