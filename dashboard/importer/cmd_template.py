"""Write the Excel template for one year, on that year's map: python -m dashboard template --year YYYY --out FILE."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True,
                        help="period of the figures; it picks the map: the 30 districts up to 2024, "
                        "the 126 communes and wards from 2025 (an election year adds the term columns)")
    parser.add_argument("--out", help="output .xlsx file (default: mau-nhap-lieu-YYYY.xlsx)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of headers and instructions (default: vi)")


def run(args: argparse.Namespace) -> int:
    from .template import TemplateError, template_file_name, write_template

    out = args.out or template_file_name(args.year, args.lang)
    if not out.lower().endswith(".xlsx"):
        print("Tệp mẫu phải có đuôi .xlsx / the template file must end in .xlsx",
              file=sys.stderr)
        return 2
    try:
        path = write_template(args.year, out, args.lang)
    except TemplateError as error:
        print(error.message("vi"), file=sys.stderr)
        print(error.message("en"), file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Không ghi được tệp / cannot write the file {out}: {error.strerror}",
              file=sys.stderr)
        return 1
    print(f"Đã ghi mẫu nhập liệu / template written: {path}")
    return 0
