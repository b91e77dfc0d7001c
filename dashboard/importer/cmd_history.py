"""List the data batches (imports, rollbacks, seeds): python -m dashboard history."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=None, help="show only the newest N batches")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of the column headers (default: vi)")


def run(args: argparse.Namespace) -> int:
    import sys

    import sqlalchemy as sa

    from .pipeline import batch_history

    try:
        rows = [batch.as_dict(args.lang) for batch in batch_history(limit=args.limit)]
    except sa.exc.SQLAlchemyError as error:
        print(f"Không đọc được cơ sở dữ liệu / cannot read the database: "
              f"{type(error).__name__}", file=sys.stderr)
        return 1
    if not rows:
        print("Chưa có lô số liệu nào / no batches yet")
        return 0
    print(format_table(rows))
    return 0


def format_table(rows: list[dict]) -> str:
    headers = list(rows[0])
    cells = [[str(row[header]) for header in headers] for row in rows]
    widths = [max(len(header), *(len(line[i]) for line in cells)) for i, header in
              enumerate(headers)]
    widths = [min(width, 40) for width in widths]

    def line(values: list[str]) -> str:
        return "  ".join(
            (value if len(value) <= width else value[: width - 1] + "…").ljust(width)
            for value, width in zip(values, widths)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]),
                      *(line(values) for values in cells)])
