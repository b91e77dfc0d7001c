"""Undo one import exactly: python -m dashboard rollback BATCH [--user NAME]."""

from __future__ import annotations

import argparse
import sys

from .cmd_import import default_user


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("batch", type=int, help="the batch number (see `history`)")
    parser.add_argument("--user", default=None,
                        help="who rolls back (default: $DASHBOARD_USER or the login name)")
    parser.add_argument("--comment", default=None, help="comment recorded with the rollback")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="also print messages in English with --lang en")


def run(args: argparse.Namespace) -> int:
    from .pipeline import rollback_batch

    result = rollback_batch(args.batch, user=args.user or default_user(), comment=args.comment)
    languages = ("vi", "en") if args.lang == "en" else ("vi",)
    stream = sys.stdout if result.ok else sys.stderr
    for lang in languages:
        print(result.message(lang), file=stream)
    return 0 if result.ok else 1
