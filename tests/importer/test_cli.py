"""The command line: template, import (with --dry-run), history and rollback."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest

from dashboard.__main__ import main
from dashboard.importer.template import KEY_ROW


@pytest.fixture
def cli_db(fresh_db_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", fresh_db_url)
    monkeypatch.setenv("DASHBOARD_USER", "can.bo.quan")
    return fresh_db_url


def fill_two_cells(path):
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    columns = {cell.value: cell.column for cell in sheet[KEY_ROW]}
    sheet.cell(3, columns["gender_officers"], 5)  # Ba Đình
    sheet.cell(4, columns["trainees"], "1.250")  # Hoàn Kiếm, typed as text with a dot
    book.save(path)


def test_template_import_history_rollback(cli_db, tmp_path, capsys):
    template = tmp_path / "mau.xlsx"
    assert main(["template", "--year", "2024", "--out", str(template)]) == 0
    assert "mau.xlsx" in capsys.readouterr().out
    fill_two_cells(template)

    assert main(["import", str(template), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Kiểm tra xong: 2 giá trị hợp lệ" in out and "chưa ghi gì" in out

    assert main(["import", str(template), "--comment", "Báo cáo năm", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Đã nhập 2 giá trị" in out and "Imported 2 values" in out
    batch = int(out.split("#")[1].split(",")[0].split()[0])

    assert main(["history", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "can.bo.quan" in out and "mau.xlsx" in out and "Báo cáo năm" in out
    assert "nhập" in out.splitlines()[2]

    assert main(["rollback", str(batch), "--user", "truong.phong"]) == 0
    assert f"Đã hoàn tác lô #{batch}" in capsys.readouterr().out
    assert main(["rollback", str(batch)]) == 1
    assert "đã được hoàn tác" in capsys.readouterr().err
    assert main(["history", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"rollback #{batch}" in out and "rolled back" in out and "truong.phong" in out


def test_problems_are_all_printed_and_the_exit_code_is_not_zero(cli_db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("district,period,indicator_id,value\n"
                   "Nowhere,2024,trainees,3\n"
                   "Ba Vì,2024,trainees,-3\n", encoding="utf-8")
    assert main(["import", str(bad), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "Tệp bad.csv, dòng 2, cột A (district)" in err
    assert "File bad.csv, row 2, column A (district)" in err
    assert "dòng 3, cột D (value), giá trị '-3': số đếm không được âm" in err
    assert "không có gì được ghi" in err and "nothing was written" in err
    assert main(["import", str(bad)]) == 1
    assert "File bad.csv" not in capsys.readouterr().err  # English only with --lang en


def test_missing_file_and_bad_template_year(cli_db, tmp_path, capsys):
    assert main(["import", str(tmp_path / "none.xlsx")]) == 1
    assert "không tìm thấy tệp" in capsys.readouterr().err
    assert main(["template", "--year", "2030", "--out", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "chưa có mẫu cho năm 2030" in err and "no template for 2030" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_no_traceback_reaches_the_user(tmp_path, seeded_db_url):
    garbage = tmp_path / "rác.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    completed = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", str(garbage), "--dry-run"],
        capture_output=True, text=True, timeout=120,
        env={"DASHBOARD_DB_URL": seeded_db_url, "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr + completed.stdout
    assert "không phải là bảng tính Excel" in completed.stderr


# ------------------------------------------------------------------ distclean


def sqlite_copy(url: str, path) -> str:
    import shutil

    shutil.copyfile(url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def test_distclean_check_allows_seed_data_and_refuses_imports(seeded_db_url, tmp_path, capsys):
    from dashboard.importer import import_bytes, rollback_batch

    database = tmp_path / "dashboard.sqlite"
    url = sqlite_copy(seeded_db_url, database)
    assert main(["distclean-check", "--database", str(database)]) == 0  # seed data only
    assert main(["distclean-check", "--database", str(tmp_path / "none.sqlite")]) == 0
    data = b"district,period,indicator_id,value\nBa Vi,2024,training_courses,3\n"
    batch = import_bytes(data, "quy4.csv", user="can.bo", db_url=url).batch_id
    capsys.readouterr()
    assert main(["distclean-check", "--database", str(database)]) == 1
    err = capsys.readouterr().err
    assert "Không xóa" in err and "1 lần nhập số liệu" in err and f"#{batch} quy4.csv" in err
    assert "Not deleting" in err and "make distclean FORCE=1" in err
    assert main(["distclean-check", "--database", str(database), "--force"]) == 0
    assert rollback_batch(batch, user="can.bo", db_url=url).ok  # the audit trail still counts
    assert main(["distclean-check", "--database", str(database)]) == 1
    assert "1 lần hoàn tác" in capsys.readouterr().err


def test_distclean_check_refuses_an_unreadable_file(tmp_path, capsys):
    database = tmp_path / "dashboard.sqlite"
    database.write_bytes(b"not a database" * 100)
    assert main(["distclean-check", "--database", str(database)]) == 1
    assert "Cannot read" in capsys.readouterr().err
    assert main(["distclean-check", "--database", str(database), "--force"]) == 0


def make_distclean(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """`make distclean` in a scratch copy of the project's Makefile, whose .venv/bin/python
    runs this interpreter, so the real environment and database are never touched."""
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    shutil.copyfile(root / "Makefile", tmp_path / "Makefile")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    return subprocess.run(["make", "--no-print-directory", "distclean", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_make_distclean_refuses_while_imports_exist_unless_forced(seeded_db_url, tmp_path):
    from dashboard.importer import import_bytes

    (tmp_path / "data").mkdir()
    database = tmp_path / "data" / "dashboard.sqlite"
    url = sqlite_copy(seeded_db_url, database)
    data = b"district,period,indicator_id,value\nBa Vi,2024,training_courses,3\n"
    assert import_bytes(data, "quy4.csv", user="can.bo", db_url=url).ok
    refused = make_distclean(tmp_path)
    assert refused.returncode != 0 and "Not deleting" in refused.stderr
    assert database.exists() and (tmp_path / ".venv").exists()
    forced = make_distclean(tmp_path, "FORCE=1")
    assert forced.returncode == 0, forced.stderr
    assert not database.exists() and not (tmp_path / ".venv").exists()


def test_make_distclean_deletes_seed_only_data(seeded_db_url, tmp_path):
    (tmp_path / "data").mkdir()
    database = tmp_path / "data" / "dashboard.sqlite"
    sqlite_copy(seeded_db_url, database)
    done = make_distclean(tmp_path)
    assert done.returncode == 0, done.stderr
    assert not database.exists()
