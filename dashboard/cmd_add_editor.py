"""Add an editor or change their password: python -m dashboard add-editor NAME.

The password is asked twice (or read from standard input with --password-stdin) and only
its bcrypt hash is written, to $DASHBOARD_EDITORS_FILE (default data/editors.json).
`--remove` takes the editor out; their sign-in stops working at their next page load.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="sign-in name, e.g. nguyen.van.a (letters, digits, . _ @ -)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")
    parser.add_argument("--remove", action="store_true", help="remove the editor instead")
    parser.add_argument("--file", type=Path, default=None,
                        help="credentials file (default: $DASHBOARD_EDITORS_FILE or "
                             "data/editors.json)")


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu / Password: ")
    second = getpass.getpass("Nhập lại / Repeat: ")
    if first != second:
        print("Hai lần nhập không khớp / the passwords do not match", file=sys.stderr)
        return None
    return first


def run(args: argparse.Namespace) -> int:
    from .auth import EditorsFileError, check_name, check_password, editors_file, write_editor

    path = args.file or editors_file()
    try:
        name = check_name(args.name)
        if args.remove:
            if not write_editor(name, None, path):
                print(f"Không có biên tập viên {name} / no editor named {name}", file=sys.stderr)
                return 1
            print(f"Đã xóa biên tập viên {name} / removed editor {name} ({path})")
            return 0
        password = _read_password(args.password_stdin)
        if password is None:
            return 1
        check_password(password)
        existed = write_editor(name, password, path)
    except EditorsFileError as error:
        print(f"{error.vi} / {error.en}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("", file=sys.stderr)
        return 1
    if existed:
        print(f"Đã đổi mật khẩu của {name} / changed the password of {name} ({path})")
    else:
        print(f"Đã thêm biên tập viên {name} / added editor {name} ({path})")
    return 0
