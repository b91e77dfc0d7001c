"""Command line: `python -m dashboard seed` and friends."""

from __future__ import annotations

import argparse
import sys

from . import store
from .errors import DataError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Hà Nội gender-equality dashboard: data management.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="(re)build the database from the repository files")
    seed.add_argument(
        "--if-missing", action="store_true",
        help="do nothing when the database already holds observations",
    )
    args = parser.parse_args(argv)

    if args.command == "seed":
        from .seed import seed_database

        url = store.database_url()
        if args.if_missing and store.database_exists(url):
            print(f"Cơ sở dữ liệu đã có / database already present: {_safe(url)}")
            return 0
        try:
            rows = seed_database(url)
        except DataError as error:
            print(error.message("vi"), file=sys.stderr)
            print(error.message("en"), file=sys.stderr)
            return 1
        print(f"Đã tạo {rows} quan sát / wrote {rows} observations: {_safe(url)}")
    return 0


def _safe(url: str) -> str:
    """The URL without its password, fit to print."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
