"""The command line builds the database the way `make run` does."""

import subprocess
import sys

from dashboard import store


def test_seed_if_missing_builds_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = {"DASHBOARD_DB_URL": url, "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-m", "dashboard", "seed", "--if-missing"],
                           env=env, capture_output=True, text=True, check=True)
    assert "quan sát" in first.stdout
    assert store.database_exists(url)
    second = subprocess.run([sys.executable, "-m", "dashboard", "seed", "--if-missing"],
                            env=env, capture_output=True, text=True, check=True)
    assert "đã có" in second.stdout


def test_seed_refuses_to_erase_imported_figures_without_force(tmp_path):
    from dashboard.importer import import_bytes
    from dashboard.seed import seed_database

    url = f"sqlite:///{tmp_path / 'kept.sqlite'}"
    seed_database(url)
    csv = b"unit_code,period,indicator_id,value\n271,2020,gender_officers,3\n"
    assert import_bytes(csv, "officers.csv", user="test", db_url=url).ok
    env = {"DASHBOARD_DB_URL": url, "PATH": "/usr/bin:/bin"}
    refused = subprocess.run([sys.executable, "-m", "dashboard", "seed"], env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert store.imported_batch_count(url) == 1
    forced = subprocess.run([sys.executable, "-m", "dashboard", "seed", "--force"], env=env,
                            capture_output=True, text=True)
    assert forced.returncode == 0 and store.imported_batch_count(url) == 0


def test_ctrl_c_ends_a_command_quietly(monkeypatch, capsys):
    import dashboard.seed
    from dashboard.__main__ import main

    def interrupted(_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(dashboard.seed, "run", interrupted)
    assert main(["seed"]) == 130
    assert "Đã dừng (Ctrl-C) / Stopped (Ctrl-C)" in capsys.readouterr().err
