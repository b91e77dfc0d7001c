"""`python -m dashboard export ...` writes the files, in process, against the seeded database."""

from __future__ import annotations

import io

from PIL import Image

from dashboard.__main__ import main


def test_export_png(use_seeded_db, tmp_path, capsys):
    out = tmp_path / "chart.png"
    argv = [
        "export",
        "png",
        "--indicator",
        "women_district_council_pct",
        "--period",
        "2019",
        "--view",
        "chart",
        "--lang",
        "en",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    assert Image.open(io.BytesIO(out.read_bytes())).size == (1920, 1080)
    printed = capsys.readouterr().out
    assert "2016" in printed  # 2019 lies in the 2016-2021 term, which is what is shown


def test_export_html(use_seeded_db, tmp_path):
    out = tmp_path / "snapshot.html"
    argv = [
        "export",
        "html",
        "--page",
        "map",
        "--indicator",
        "trainees",
        "--period",
        "2024",
        "--district",
        "271",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_unknown_indicator_is_refused(use_seeded_db, tmp_path, capsys):
    argv = [
        "export",
        "png",
        "--indicator",
        "nope",
        "--period",
        "2019",
        "--view",
        "map",
        "--out",
        str(tmp_path / "x.png"),
    ]
    assert main(argv) == 2
    assert "nope" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
