"""The deploy/ files on their own: the nginx renderer, nginx's own syntax check of what it
renders, the systemd units (systemd-analyze verify) and the PostgreSQL setup script's syntax.

The served front server is tested in test_nginx_deploy.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
RENDER = DEPLOY / "render_nginx.py"
NGINX = "/usr/sbin/nginx"
INSTANCES = ["127.0.0.1:5101", "127.0.0.1:5102", "10.0.0.7:5101"]

pytestmark = pytest.mark.deploy


def render(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RENDER), *args], capture_output=True, text=True, timeout=30)


def site_args(*instances: str) -> list[str]:
    args = ["--server-name", "dashboard.hanoi.local", "--certificate", "/etc/ssl/dashboard.pem",
            "--certificate-key", "/etc/ssl/dashboard.key"]
    for instance in instances or INSTANCES:
        args += ["--instance", instance]
    return args


def test_the_site_routes_each_instance_by_number_with_the_others_as_backups():
    completed = render(*site_args())
    assert completed.returncode == 0, completed.stderr
    site = completed.stdout
    assert "${" not in site
    assert "server_name dashboard.hanoi.local;" in site
    # Balanced group of every instance, and one group per instance with the others as backups.
    balanced = site.split("upstream hanoi_dashboard {", 1)[1].split("}", 1)[0]
    assert "least_conn;" in balanced
    assert all(f"server {address} max_fails=1" in balanced for address in INSTANCES)
    third = site.split("upstream hanoi_dashboard_3 {", 1)[1].split("}", 1)[0]
    assert "server 10.0.0.7:5101 max_fails=1" in third
    assert "server 127.0.0.1:5101 backup;" in third and "server 127.0.0.1:5102 backup;" in third
    assert "    2 hanoi_dashboard_2;" in site
    assert '"~(^|\\s)10\\.0\\.0\\.7:5101$" 3;' in site
    # Nothing under /components/ is forwarded; the redirect keeps the default HTTPS port implicit.
    assert "location ^~ /components/ {\n        return 404;" in site
    assert "return 301 https://$host$request_uri;" in site


@pytest.mark.parametrize("bad, message", [
    (["--instance", "127.0.0.1"], "HOST:PORT"),
    (["--instance", "127.0.0.1:5101; include /etc/passwd"], "HOST:PORT"),
    (["--instance", "127.0.0.1:5101", "--instance", "127.0.0.1:5101"], "listed twice"),
    (["--instance", "127.0.0.1:5101", "--session-rate", "lots"], "30r/m"),
])
def test_values_that_would_break_the_configuration_are_refused(bad, message):
    args = site_args("127.0.0.1:5109")[:-2] + bad
    completed = render(*args)
    assert completed.returncode == 2
    assert message in completed.stderr
    assert completed.stdout == ""


def test_a_server_name_cannot_inject_directives():
    completed = render(*site_args(), "--server-name", "x; return 200 hacked")
    assert completed.returncode == 2
    assert "--server-name" in completed.stderr and "invalid value" in completed.stderr


def test_nginx_accepts_the_rendered_standalone_configuration(tmp_path):
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"{NGINX} not found: install Debian's nginx (`make test` does this with apt-get)")
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True, timeout=60)
    root = tmp_path / "nginx"
    completed = render("--server-name", "localhost", "--instance", "127.0.0.1:5101",
                       "--instance", "127.0.0.1:5102", "--certificate", str(certificate),
                       "--certificate-key", str(key), "--https-listen", "127.0.0.1:18443",
                       "--http-listen", "127.0.0.1:18080", "--standalone", str(root))
    assert completed.returncode == 0, completed.stderr
    assert "return 301 https://$host:18443$request_uri;" in (root / "hanoi-dashboard.conf").read_text()
    checked = subprocess.run([NGINX, "-t", "-q", "-p", str(root), "-c", str(root / "nginx.conf"),
                              "-e", str(root / "error.log")], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr + (root / "error.log").read_text(errors="replace")


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # The units expect the project in /opt/hanoi-dashboard; point them at this checkout.
    for unit in ("hanoi-dashboard@.service", "hanoi-dashboard.target"):
        text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
        (tmp_path / unit).write_text(text.replace("/opt/hanoi-dashboard", str(REPO_ROOT)), encoding="utf-8")
    if not (REPO_ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv in this checkout for ExecStart to point at")
    completed = subprocess.run([analyze, "verify", str(tmp_path / "hanoi-dashboard@5101.service"),
                                str(tmp_path / "hanoi-dashboard.target")],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.strip() == "", completed.stderr


def test_the_unit_serves_like_make_run_behind_a_proxy():
    unit = (DEPLOY / "systemd" / "hanoi-dashboard@.service").read_text(encoding="utf-8")
    command = unit.split("ExecStart=", 1)[1].split("\n#", 1)[0].replace("\\\n", " ").split()
    assert command[1:4] == ["-m", "dashboard", "serve"], "the unit runs make run's launcher"
    assert command[command.index("--port") + 1] == "%i"
    assert "--trust-proxy" in command
    assert command[command.index("--hosts") + 1] == "${DASHBOARD_PUBLIC_HOST}"
    # A grown process exits to give its memory back (dashboard.workers), and systemd starts it again.
    assert int(command[command.index("--recycle-above-mb") + 1]) > 0 and "\nRestart=on-failure" in unit
    for setting in ("EnvironmentFile=", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes"):
        assert setting in unit, setting
    example = (DEPLOY / "systemd" / "dashboard.env.example").read_text(encoding="utf-8")
    for variable in ("DASHBOARD_DB_URL", "DASHBOARD_COOKIE_SECRET", "DASHBOARD_SESSION_SECRET",
                     "DASHBOARD_LISTEN_ADDRESS", "DASHBOARD_PUBLIC_HOST"):
        assert f"\n{variable}=" in example, variable
        if variable.startswith(("DASHBOARD_LISTEN", "DASHBOARD_PUBLIC")):
            assert f"${{{variable}}}" in unit, variable


def test_the_postgres_script_is_valid_shell():
    completed = subprocess.run(["sh", "-n", str(DEPLOY / "postgres-setup.sh")], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert os.access(DEPLOY / "postgres-setup.sh", os.X_OK)
