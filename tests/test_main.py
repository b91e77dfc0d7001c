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
