"""Check and import a filled template or CSV: python -m dashboard import FILE [--dry-run]."""

from __future__ import annotations

import argparse
import getpass
import os
import sys


def default_user() -> str:
    try:
        return os.environ.get("DASHBOARD_USER") or getpass.getuser()
    except Exception:  # no login name (e.g. in a container without /etc/passwd entry)
        return "cli"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the filled template (.xlsx) or a CSV file (UTF-8)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check and report, write nothing")
    parser.add_argument("--user", default=None,
                        help="who imports (default: $DASHBOARD_USER or the login name)")
    parser.add_argument("--comment", default=None, help="comment recorded with the batch")
    parser.add_argument("--status", choices=("official", "provisional"), default="official",
                        help="status of the imported figures (default: official)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="also print messages in English with --lang en")


def run(args: argparse.Namespace) -> int:
    from .pipeline import import_file

    result = import_file(
        args.file, user=args.user or default_user(), comment=args.comment, status=args.status,
        dry_run=args.dry_run,
    )
    languages = ("vi", "en") if args.lang == "en" else ("vi",)
    if not result.ok:
        for problem in result.problems:
            print(problem.message("vi"), file=sys.stderr)
            if "en" in languages:
                print("    " + problem.message("en"), file=sys.stderr)
        for lang in languages:
            print(result.summary(lang), file=sys.stderr)
        return 1
    for lang in languages:
        print(result.summary(lang))
    return 0
