"""Command line: `python -m dashboard <command>`; each command lives in the module that owns it."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys

# command name -> module with `add_arguments(parser)` and `run(args) -> int`. Every module is
# imported to build the help, so each keeps its heavy imports inside `run`.
COMMANDS = {
    "seed": "dashboard.seed",
    "template": "dashboard.importer.cmd_template",
    "import": "dashboard.importer.cmd_import",
    "history": "dashboard.importer.cmd_history",
    "rollback": "dashboard.importer.cmd_rollback",
    "distclean-check": "dashboard.importer.cmd_distclean",
    "export": "dashboard.export.cli",
    "add-editor": "dashboard.cmd_add_editor",
    "serve": "dashboard.server",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Bảng theo dõi bình đẳng giới Hà Nội / Hà Nội gender-equality dashboard.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)  # imports every command's module: seconds
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:  # Ctrl-C is what the user asked for, not a fault to trace
        print("\nĐã dừng (Ctrl-C) / Stopped (Ctrl-C)", file=sys.stderr)
        return 128 + signal.SIGINT


if __name__ == "__main__":
    sys.exit(main())
