"""Shared pytest fixtures.

Browser tests (tests/ui, auto-marked ``ui``) use pytest-playwright's ``page`` fixture,
driving Debian's chromium at /usr/bin/chromium (override with $CHROMIUM_PATH).
Playwright's own browser download is never used: do not run ``playwright install``.

Panel's test helpers come from the installed package::

    from panel.tests.util import serve_component, wait_until, run_panel_serve

    def test_hello(page, port):
        msgs, port = serve_component(page, pn.pane.Markdown("# xin chào"), port=port)
        expect(page.locator("h1")).to_have_text("xin chào")
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
UI_DIR = Path(__file__).resolve().parent / "ui"

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"}

# Panel's own test-suite strips BOKEH_*/PANEL_* settings so a developer's shell
# cannot change how test servers behave; do the same.
for _var in list(os.environ):
    if _var.startswith(("BOKEH_", "PANEL_")) and _var != "PANEL_LOG_LEVEL":
        os.environ.pop(_var)


# --------------------------------------------------------------------------- markers


# Under pytest-xdist (`make test` runs `-n 2`) a module is never split, so its servers start once,
# and every other module runs before any browser module: Playwright, once started, keeps an asyncio
# loop running in its worker, and `asyncio.run` in any later test there fails. Both workers then
# share the browser modules. (xdist's own `--dist loadgroup` renames test ids, which pytest 9
# ignores: it silently spread every test on its own and restarted a module's servers per test.)
# Browser modules that time the server's answers go first, while the other worker may still be on
# lighter tests.
TIMED_BROWSER_MODULES = ("tests/ui/test_database_banner.py", "tests/ui/test_export_downloads.py")


def browser_modules(nodeids) -> set[str]:
    """Modules under tests/ui, or with a test that pytest-playwright gives a browser (its id names it)."""
    return {nodeid.split("::", 1)[0] for nodeid in nodeids
            if nodeid.startswith("tests/ui/") or "[chromium" in nodeid}


@pytest.hookimpl(trylast=True)  # after pytest's own reordering by fixture
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/ui as ``ui`` (select with ``-m ui`` / ``-m 'not ui'``), and
    run the browser tests last: once Playwright has started, `asyncio.run` in a later test fails.
    """
    for item in items:
        try:
            Path(item.path).resolve().relative_to(UI_DIR)
        except ValueError:
            continue
        item.add_marker(pytest.mark.ui)
    in_browser = browser_modules(item.nodeid for item in items)
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] in in_browser)  # stable: modules stay together


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """pytest-xdist, in the controller: whole modules, browser modules last (see above)."""
    from xdist.scheduler import LoadScopeScheduling

    class ModulesBrowsersLastScheduling(LoadScopeScheduling):
        order: dict[str, tuple[bool, bool]] | None = None  # rank of each module, set on first use

        def _split_scope(self, nodeid: str) -> str:
            return nodeid.split("::", 1)[0]

        def _assign_work_unit(self, node) -> None:
            if self.order is None:
                in_browser = browser_modules(self.collection)
                self.order = {module: (module in in_browser, module not in TIMED_BROWSER_MODULES)
                              for module in self.workqueue}
            # The queue is in collection order; min() keeps that order within each rank.
            self.workqueue.move_to_end(min(self.workqueue, key=self.order.__getitem__), last=False)
            super()._assign_work_unit(node)

    return ModulesBrowsersLastScheduling(config, log)


# --------------------------------------------------------------------- playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's chromium headless (pytest-playwright override, session scoped).

    ``--headed`` / ``--slowmo`` from the pytest-playwright command line still apply.
    """
    if not os.path.exists(CHROMIUM_PATH):
        pytest.fail(
            f"{CHROMIUM_PATH} not found: install Debian's chromium "
            "(`make test` does this with apt-get); never `playwright install`."
        )
    headless = browser_type_launch_args.get("headless", True)
    args = (["--headless"] if headless else []) + CHROMIUM_ARGS
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "headless": headless,
        "args": args,
    }


@pytest.fixture
def context(context):
    """pytest-playwright's context with a 20 s default timeout (as in Panel's suite)."""
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def offsite_requests(page) -> list[str]:
    """URLs of every request ``page`` makes to a host other than localhost/127.0.0.1.

    Register before navigating; tests assert the list is empty (the app must work
    on an intranet with no CDN access).
    """
    seen: list[str] = []

    def _on_request(request) -> None:
        url = request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
            return
        if (parts.hostname or "") not in LOCAL_HOSTS:
            seen.append(url)

    page.on("request", _on_request)
    return seen


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console messages of type ``error`` plus uncaught page errors, as strings."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(f"console.error: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors


# --------------------------------------------------------------------------- panel


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def port() -> int:
    """A currently free TCP port on 127.0.0.1 (pass as ``serve_component(..., port=port)``)."""
    return _free_port()


@pytest.fixture(autouse=True)
def panel_state_cleanup() -> Iterator[None]:
    """After each test: stop servers started in-process and reset Panel's global state.

    Mirrors ``server_cleanup``/``cache_cleanup`` in panel/tests/conftest.py. Panel is
    only touched if the test (or something it imported) already imported it.
    """
    yield
    if "panel" not in sys.modules:
        return
    from bokeh.document import Document
    from bokeh.io.doc import _PATCHED_CURDOCS
    from bokeh.io.state import _STATE
    from panel.io.state import state

    state.kill_all_servers()
    _PATCHED_CURDOCS.clear()
    _STATE.document = Document()
    state.reset()
    state.clear_caches()


def _wait_http_ok(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"panel serve exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


# Process groups of every server the tests started: each must be gone when the run ends.
_SERVER_GROUPS: list[int] = []


def start_server(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a server in a process group of its own, so that it ends with every process it forks
    (`panel serve --num-procs N` forks workers that outlive a terminated parent)."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})}, start_new_session=True)
    _SERVER_GROUPS.append(proc.pid)
    return proc


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in process group `pgid`."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces, so split after its ')'.
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def stop_server(proc: subprocess.Popen, timeout: float = 10) -> None:
    """End the server's whole process group: SIGTERM, then SIGKILL for whatever remains."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc.poll()  # reap the leader, which is our child
            if not group_members(proc.pid):
                break
            time.sleep(0.1)
        else:
            continue
        break
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass


# Servers that pytest-xdist workers reported left running (see pytest_testnodedown).
_WORKER_SURVIVORS: list[str] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """pytest-xdist, in the controller: a worker's survivors fail the whole run."""
    survivors = getattr(node, "workeroutput", {}).get("servers_left")
    if survivors:
        _WORKER_SURVIVORS.append(f"{node.gateway.id}: {survivors}")


def _check_no_server_survives(session: pytest.Session) -> None:
    """A run that leaves a server behind fails, after ending it."""
    survivors = {pgid: group_members(pgid) for pgid in _SERVER_GROUPS}
    survivors = {pgid: pids for pgid, pids in survivors.items() if pids}
    for pgid in survivors:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    workeroutput = getattr(session.config, "workeroutput", None)
    if survivors and workeroutput is not None:
        # A worker's exit status does not reach the controller: tell it, and it fails the run.
        workeroutput["servers_left"] = repr(survivors)
    if _WORKER_SURVIVORS:
        survivors = {**survivors, "workers": list(_WORKER_SURVIVORS)}
    if survivors:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"servers left running after the tests (process group: pids): {survivors}"
        if reporter is not None:
            reporter.write_line(message, red=True)
        if session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


# Secrets the test servers sign sessions and sign-ins with, so no test writes data/.*_secret.
TEST_SECRETS = {
    "DASHBOARD_SESSION_SECRET": "test-session-secret-of-at-least-thirty-two-bytes",
    "DASHBOARD_COOKIE_SECRET": "test-cookie-secret",
}


def dashboard_serve_command(port: int, *launcher_args: str) -> list[str]:
    """`make run`'s command (`python -m dashboard serve`) on `port`, this machine only.

    `launcher_args` are the launcher's own options (e.g. `--num-procs 2`), then optionally
    `--` and further `panel serve` options.
    """
    return [sys.executable, "-m", "dashboard", "serve", "--port", str(port), *launcher_args]


class PanelServers:
    """Dashboard server subprocesses for one test; see the `panel_server` fixture."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.procs: dict[str, tuple[subprocess.Popen, Path]] = {}

    def __call__(self, *launcher_args: str, env: dict[str, str] | None = None, timeout: float = 60) -> str:
        port = _free_port()
        log = self.directory / f"panel-serve-{port}.log"
        proc = start_server(dashboard_serve_command(port, *launcher_args), log, {**TEST_SECRETS, **(env or {})})
        url = f"http://localhost:{port}"
        self.procs[url] = (proc, log)
        try:
            _wait_http_ok(f"http://127.0.0.1:{port}/liveness", proc, timeout)
        except Exception as exc:
            stop_server(proc)
            raise RuntimeError(f"{exc}\n--- {log} ---\n{log.read_text(errors='replace')}") from exc
        return url

    def process_group(self, url: str) -> int:
        """The process group of the server at `url` (its leader's pid)."""
        return self.procs[url][0].pid

    def members(self, url: str) -> list[int]:
        """Live processes of the server at `url`: its leader and whatever it forked."""
        return group_members(self.process_group(url))

    def stop(self, url: str | None = None) -> None:
        """Stop the server at `url`, or every server started here."""
        for key in [url] if url else list(self.procs):
            stop_server(self.procs[key][0])


@pytest.fixture
def panel_server(tmp_path) -> Iterator[PanelServers]:
    """Factory: start the dashboard in a subprocess the way ``make run`` does.

    ``url = panel_server(*launcher_args, env=None, timeout=60)`` serves app.py through
    ``python -m dashboard serve`` on a free port and returns ``http://localhost:PORT``; the
    app answers at ``/`` and ``/app``. ``env`` entries are added to the environment (e.g.
    DASHBOARD_DB_URL). Each server runs in its own process group, which is ended at teardown
    (or earlier with ``panel_server.stop(url)``); their output is in ``tmp_path``.
    """
    servers = PanelServers(tmp_path)
    yield servers
    servers.stop()


@pytest.fixture(scope="module")
def module_panel_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PanelServers]:
    """`panel_server` for a whole test module: a server its tests share starts once (output in
    `module_panel_server.directory`); every server is ended when the module's tests are done."""
    servers = PanelServers(tmp_path_factory.mktemp("panel-serve"))
    yield servers
    servers.stop()


# --------------------------------------------------------------------- dashboard data


@pytest.fixture(scope="session")
def seeded_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly seeded SQLite database, built the way `python -m dashboard seed` builds it."""
    from dashboard.seed import seed_database

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'dashboard.sqlite'}"
    seed_database(url)
    return url


@pytest.fixture(scope="session")
def dashboard_data(seeded_db_url: str):
    """The joined data layer over the seeded database."""
    from dashboard.data import load_data

    return load_data(seeded_db_url)


@pytest.fixture
def use_seeded_db(seeded_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app's configured database (DASHBOARD_DB_URL) at the seeded test database."""
    monkeypatch.setenv("DASHBOARD_DB_URL", seeded_db_url)
    return seeded_db_url


@pytest.fixture(scope="session")
def served_app_url(tmp_path_factory: pytest.TempPathFactory, seeded_db_url: str) -> Iterator[str]:
    """The dashboard over the seeded database, served as ``make run`` serves it, started once
    for the whole test run.

    Same command line as ``panel_server`` (answers at ``/`` and ``/app``); each browser page
    still opens its own Bokeh session. Tests that need their own server options or
    environment use ``panel_server`` instead.
    """
    port = _free_port()
    log = tmp_path_factory.mktemp("served-app") / f"panel-serve-{port}.log"
    cmd = dashboard_serve_command(port)
    proc = start_server(cmd, log, {**TEST_SECRETS, "DASHBOARD_DB_URL": seeded_db_url})
    try:
        _wait_http_ok(f"http://127.0.0.1:{port}/liveness", proc, 90)
        # One throw-away session loads the process-wide data, so no test pays for it.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as resp:
            resp.read()
    except Exception as exc:
        stop_server(proc)
        raise RuntimeError(f"{exc}\n--- {log} ---\n{log.read_text(errors='replace')}") from exc
    yield f"http://localhost:{port}"
    stop_server(proc)


# ------------------------------------------------------ importer: SQLite and PostgreSQL

# The import tests run against both backends. PostgreSQL is Debian's package (`make test`
# installs it); each test session starts a throwaway cluster of its own and stops it.
IMPORT_BACKENDS = ["sqlite", "postgresql"]


def _postgres_bindir() -> Path | None:
    import glob

    def version(path: str) -> int:
        name = Path(path).parent.name
        return int(name) if name.isdigit() else 0

    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if os.access(Path(bindir) / "initdb", os.X_OK) and os.access(Path(bindir) / "pg_ctl",
                                                                     os.X_OK):
            return Path(bindir)
    return None


# The running throwaway cluster, if any: started on first use, stopped when the test
# session ends (pytest_sessionfinish below). Kept outside pytest's fixture cache so that
# re-ordering of parametrized fixtures can never restart it.
_postgres: dict = {}


def _start_postgres() -> dict:
    import pwd
    import shutil
    import tempfile

    bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip("Debian's postgresql is not installed (`make test` installs it)")
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a `postgres` user to run the server")
        prefix = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    data, sockets, log = base / "data", base / "sockets", base / "server.log"
    sockets.mkdir()
    if prefix:
        for path in (base, sockets):
            shutil.chown(path, "postgres", "postgres")
    port = _free_port()

    def run(*args: str) -> None:
        completed = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if completed.returncode:
            extra = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(
                f"{args[0]} failed:\n{completed.stdout}\n{completed.stderr}\n{extra}"
            )

    def stop() -> None:
        try:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(base, ignore_errors=True)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync")
        options = (f"-p {port} -k {sockets} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
            "-t", "60", "start")
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return {"host": str(sockets), "port": port, "stop": stop}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop the throwaway PostgreSQL cluster, if one was started; check that no server survives."""
    server = _postgres.pop("server", None)
    if server is not None:
        server["stop"]()
    _check_no_server_survives(session)


@pytest.fixture(scope="session")
def postgres_server() -> dict:
    """A throwaway PostgreSQL cluster: initdb into a temporary directory, started with
    pg_ctl on a free port, reachable only through a unix socket in that directory, and
    stopped (and deleted) when the test session ends.

    PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
    (runuser). Returns {"host": socket dir, "port": port}.
    """
    if "server" not in _postgres:
        _postgres["server"] = _start_postgres()
    return _postgres["server"]


def postgres_url(server: dict, database: str) -> str:
    return (f"postgresql+psycopg://postgres@/{database}"
            f"?host={server['host']}&port={server['port']}")


def _postgres_admin(server: dict, *statements: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url(server, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_seeded_template(postgres_server: dict) -> str:
    """A seeded PostgreSQL database used only as the template of per-test databases."""
    from dashboard.seed import seed_database

    if "template" not in postgres_server:
        _postgres_admin(postgres_server, "CREATE DATABASE seeded_template")
        seed_database(postgres_url(postgres_server, "seeded_template"))
        postgres_server["template"] = "seeded_template"
    return postgres_server["template"]


_database_counter = iter(range(1, 1_000_000))


def _fresh_database(backend: str, request: pytest.FixtureRequest, directory: Path) -> str:
    if backend == "sqlite":
        import shutil

        seeded = request.getfixturevalue("seeded_db_url").removeprefix("sqlite:///")
        target = directory / f"import-{next(_database_counter)}.sqlite"
        shutil.copyfile(seeded, target)
        return f"sqlite:///{target}"
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_seeded_template")
    name = f"import_test_{next(_database_counter)}"
    if "copy" not in server:
        import sqlalchemy as sa

        engine = sa.create_engine(postgres_url(server, "postgres"))
        try:
            with engine.connect() as connection:
                version = int(connection.exec_driver_sql("SHOW server_version_num").scalar())
        finally:
            engine.dispose()
        # Copying the files is faster than WAL-logging them (PostgreSQL 15+).
        server["copy"] = " STRATEGY FILE_COPY" if version >= 150000 else ""
    _postgres_admin(server, f"CREATE DATABASE {name} TEMPLATE {template}{server['copy']}")
    return postgres_url(server, name)


@pytest.fixture(params=IMPORT_BACKENDS)
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A seeded database of its own for one test, on SQLite and on PostgreSQL."""
    return _fresh_database(request.param, request, tmp_path)


@pytest.fixture(scope="session", params=IMPORT_BACKENDS)
def shared_import_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A seeded database per backend shared by tests that must not write to it (rejected
    imports); each such test checks that it is unchanged."""
    return _fresh_database(request.param, request, tmp_path_factory.mktemp("shared-import"))


@pytest.fixture(scope="module", params=IMPORT_BACKENDS)
def module_import_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A seeded database per backend for one test module (e.g. property tests, which may
    write and cannot use function-scoped fixtures)."""
    return _fresh_database(request.param, request, tmp_path_factory.mktemp("module-import"))


_fingerprint_engines: dict = {}


def db_fingerprint(url: str) -> tuple:
    """Everything an import could change: row and batch counts and every active value."""
    import sqlalchemy as sa

    from dashboard import store

    if url not in _fingerprint_engines:  # one engine per database: reconnecting is slow
        _fingerprint_engines[url] = store.create_db_engine(url)
    observations = store.observations
    with _fingerprint_engines[url].connect() as connection:
        counts = connection.execute(
            sa.select(sa.func.count(), sa.func.max(observations.c.id))
        ).one()
        batches = connection.execute(
            sa.select(sa.func.count(), sa.func.max(store.batches.c.id))
        ).one()
        active = connection.execute(
            sa.select(observations.c.id, observations.c.value, observations.c.numerator,
                      observations.c.denominator, observations.c.status)
            .where(observations.c.active).order_by(observations.c.id)
        ).all()
    return tuple(counts), tuple(batches), tuple(tuple(row) for row in active)


@pytest.fixture(scope="session")
def fingerprint():
    """`fingerprint(url)`: compare before and after to prove that nothing was written."""
    return db_fingerprint


# --------------------------------------------------------------- the project's own caches

# Module-level containers that hold process state rather than constants, by module. Every
# functools cache of the package is found by itself; containers whose name says "cache"
# are too. Only those named otherwise need listing here.
PROCESS_STATE = {
    "dashboard.auth": ("_failures",),
    "dashboard.data": ("_WATCHERS",),
    "dashboard.store": ("_UPGRADED", "_SQLITE_IDENTITIES"),
}


def _project_caches() -> tuple[list, list]:
    """(functools-cached functions, mutable containers) of every loaded dashboard module."""
    import weakref
    from collections import OrderedDict, defaultdict, deque

    containers = (dict, set, OrderedDict, defaultdict, deque, weakref.WeakKeyDictionary,
                  weakref.WeakValueDictionary)
    functions, stores = [], []
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "dashboard" or name.startswith("dashboard.")):
            continue
        for attribute, value in list(vars(module).items()):
            if hasattr(value, "cache_clear") and getattr(value, "__module__", None) == name:
                functions.append(value)
            elif isinstance(value, containers) and (
                ("cache" in attribute.lower() and attribute.startswith("_"))
                or attribute in PROCESS_STATE.get(name, ())
            ):
                stores.append(value)
    return functions, stores


def clear_project_caches() -> None:
    """Empty every process cache of the dashboard, and Panel's `pn.cache` if Panel is loaded."""
    functions, stores = _project_caches()
    data = sys.modules.get("dashboard.data")
    # A data watcher runs a thread: stop it before it is forgotten.
    for watcher in list(getattr(data, "_WATCHERS", {}).values()):
        watcher.stop()
    # Forgotten engines (data.shared_engine) close their pooled connections when collected.
    for function in functions:
        function.cache_clear()
    for store in stores:
        store.clear()
    if "panel" in sys.modules:
        from panel.io.state import state

        state.clear_caches()


@pytest.fixture(autouse=True)
def project_caches_cleared() -> Iterator[None]:
    """After each test, forget what the project cached: no test sees another's figures."""
    yield
    clear_project_caches()
