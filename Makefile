# Hà Nội gender-equality dashboard — developer and CI entry points.
#
#   make run              serve the dashboard on http://localhost:5006/ (and /app), this machine only
#   make run PORT=5007    ... on another port
#   make test             unit + served-app + browser + notebook tests
#   make lint | bench | seed | constraints | clean | distclean | fuzz
#
# `make run` starts `python -m dashboard serve` (dashboard/server.py): Panel's server on app.py
# with signed sessions, security headers, gzip, a guarded /components/ route, and one worker
# process per core (NUM_PROCS). It listens on 127.0.0.1 and accepts its own origin only.
# Serving to the intranet is one switch that needs the host names people type:
#   make run HOSTS="dashboard.hanoi.local"      -> listens on 0.0.0.0, accepts those origins only
# Behind nginx (which sets X-Forwarded-Proto), add TRUST_PROXY=1 so cookies are marked Secure.
# Extra `panel serve` flags go in PANEL_ARGS, e.g. PANEL_ARGS="--log-level debug".

SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT         ?= 5006
HOSTS        ?=
NUM_PROCS    ?= $(shell nproc 2>/dev/null || echo 1)
TRUST_PROXY  ?=
PANEL_ARGS   ?=
# A worker grown by more than this many MB is replaced by a fresh one once it serves no one
# (empty: 150 with several processes, never with one; 0: never).
RECYCLE_ABOVE_MB ?=

VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(PY) -m pip
PIP_INSTALL := $(PIP) install --disable-pip-version-check -c constraints.txt
# Interpreter used only to create the venv: python3.11 if present, else python3.
BASE_PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET  := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

# Stamps live inside the venv so deleting .venv resets them; they are rebuilt when
# pyproject.toml or constraints.txt change.
STAMP_RUN  := $(VENV)/.stamp-install
STAMP_TEST := $(VENV)/.stamp-install-test

# Both / and /app serve the app (`--index app`: Panel's redirect from / would drop the query
# string); /liveness answers health checks. Editors sign in at /login (dashboard/auth.py; add one
# with `python -m dashboard add-editor NAME`). The cookie and session secrets come from
# DASHBOARD_COOKIE_SECRET / DASHBOARD_SESSION_SECRET or data/.cookie_secret / data/.session_secret
# (made on first run, mode 0600) and reach the server in-process, never on a command line.
SERVE = $(PY) -m dashboard serve --port $(PORT) --num-procs $(NUM_PROCS) \
	$(if $(strip $(HOSTS)),--hosts $(HOSTS)) $(if $(TRUST_PROXY),--trust-proxy) \
	$(if $(strip $(RECYCLE_ABOVE_MB)),--recycle-above-mb $(RECYCLE_ABOVE_MB)) \
	$(if $(strip $(PANEL_ARGS)),-- $(PANEL_ARGS))

.PHONY: help venv install install-test run test chromium postgresql nginx bench lint seed constraints clean distclean fuzz

help:
	@echo "Targets:"
	@echo "  run          install, seed data/dashboard.sqlite if missing, serve on :$(PORT) (/ and /app)"
	@echo "  test         install test extras (+ Debian chromium, postgresql if missing), run pytest"
	@echo "  bench        run benchmarks/run.py"
	@echo "  lint         ruff check"
	@echo "  seed         (re)build the embedded database"
	@echo "  constraints  regenerate constraints.txt from .venv"
	@echo "  clean        remove caches and build artefacts; distclean also .venv and the db"
	@echo "               (distclean refuses while the db holds imports; FORCE=1 overrides)"
	@echo "  fuzz         FUZZ_FILES generated import files (default 10,000), none may crash or half-write"
	@echo "Variables: PORT=$(PORT) HOSTS='$(HOSTS)' NUM_PROCS=$(NUM_PROCS) TRUST_PROXY=$(TRUST_PROXY) RECYCLE_ABOVE_MB=$(RECYCLE_ABOVE_MB) PANEL_ARGS=..."

# --- environment -------------------------------------------------------------

$(PY):
	@if [ -z "$(BASE_PYTHON)" ]; then echo "python3.11 / python3 not found" >&2; exit 1; fi
	@echo ">> creating $(VENV) with $(BASE_PYTHON)"
	@$(BASE_PYTHON) -m venv $(VENV) || { \
	  echo ">> venv creation failed; installing Debian's python3-venv" >&2; \
	  rm -rf $(VENV); \
	  $(APT_GET) update && $(APT_GET) install -y python3-venv && \
	  $(BASE_PYTHON) -m venv $(VENV); }

venv: $(PY)

$(STAMP_RUN): pyproject.toml constraints.txt | $(PY)
	$(PIP_INSTALL) -e .
	@touch $@

$(STAMP_TEST): pyproject.toml constraints.txt | $(PY)
	$(PIP_INSTALL) -e '.[test]'
	@touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)
install-test: $(STAMP_TEST)

# Debian's chromium drives the browser tests; Playwright's own browser download is
# not used (never run `playwright install`).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo ">> installing Debian chromium"; \
	  $(APT_GET) update && $(APT_GET) install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation; \
	fi

# --- app ---------------------------------------------------------------------

run: $(STAMP_RUN)
	$(PY) -m dashboard seed --if-missing
	$(SERVE)

seed: $(STAMP_RUN)
	$(PY) -m dashboard seed

# Every speed goal in one table, the dashboard served as `make run` serves it (temporary
# database, own process group) beside a peer timed in the same run:
#   make bench PEER_URL=http://127.0.0.1:5202/panel_naive_app     a peer already running
#   make bench PEER_DIR=/path/to/peers PEER_PYTHON=/tmp/peers-venv/bin/python
#                                  start the naive Panel peer from a throwaway venv (peers' README)
#   make bench BENCH_ARGS="--soak --markdown bench.md"             200 sessions for 10 min; Markdown
PEER_URL    ?=
PEER_DIR    ?=
PEER_PYTHON ?= /tmp/peers-venv/bin/python
BENCH_ARGS  ?=
bench: $(STAMP_TEST) chromium
	$(PY) benchmarks/run.py $(if $(PEER_URL),--peer-url '$(PEER_URL)') \
	  $(if $(PEER_DIR),--peer-dir '$(PEER_DIR)' --peer-python '$(PEER_PYTHON)') $(BENCH_ARGS)

# --- quality -----------------------------------------------------------------

# The import tests also run against a real PostgreSQL server: Debian's package provides
# initdb/pg_ctl, and tests/conftest.py starts a throwaway cluster (unix socket in a temp
# dir, free port, as the `postgres` user when run as root) and stops it afterwards.
# Two pytest-xdist workers (TEST_WORKERS=0 runs in one process), each taking whole modules: every
# other module first, then the browser modules (tests/conftest.py, pytest_xdist_make_scheduler).
TEST_WORKERS ?= 2
test: $(STAMP_TEST) chromium postgresql nginx
	$(PY) -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS)) \
	  $(PYTEST_ARGS)

postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo ">> installing Debian postgresql"; \
	  $(APT_GET) update && $(APT_GET) install -y --no-install-recommends postgresql; \
	fi

# tests/deploy runs the deploy/ nginx site in front of two dashboard processes. The test
# uses only Debian's nginx binary, as a foreground process of its own on free high ports;
# on a machine with systemd the package also starts its default site on port 80, which
# the tests never use (`systemctl disable --now nginx` if unwanted).
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
	  echo ">> installing Debian nginx"; \
	  $(APT_GET) update && $(APT_GET) install -y --no-install-recommends nginx; \
	fi

# Property tests of the importer at scale: FUZZ_FILES generated files (CSV, Excel, the filled
# template, random bytes) must each be refused with located problems or written whole: no
# traceback, no partial write. CI runs a small sample of the same generators. The figures go
# to $(FUZZ_REPORT). FUZZ_BACKEND=postgresql runs them against a throwaway PostgreSQL.
FUZZ_FILES   ?= 10000
ifndef FUZZ_SEED
FUZZ_SEED    := $(shell date +%s)
endif
FUZZ_BACKEND ?= sqlite
# (not under test-results/, which pytest-playwright empties when a test session starts)
FUZZ_REPORT  ?= artifacts/fuzz-report.json
fuzz: $(STAMP_TEST)
	FUZZ_FILES=$(FUZZ_FILES) FUZZ_REPORT=$(abspath $(FUZZ_REPORT)) $(PY) -m pytest -q -s -p no:cacheprovider \
	  tests/importer/test_fuzz.py -k '$(FUZZ_BACKEND)' --hypothesis-seed=$(FUZZ_SEED) \
	  --hypothesis-show-statistics
	@echo ">> seed $(FUZZ_SEED); figures in $(FUZZ_REPORT)"

lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check .

# Pins exactly what is installed in .venv (after making sure every extra is there).
# To upgrade: `.venv/bin/pip install -U <pkg>`, then `make constraints`, then `make test`.
constraints: | $(PY)
	$(PIP) install --disable-pip-version-check -e '.[test,postgres]'
	@{ \
	  echo "# Exact versions CI tested (Python 3.11, Linux x86_64)."; \
	  echo "# Used as: pip install -c constraints.txt -e '.[test]'  (see Makefile)."; \
	  echo "# Regenerate from the current .venv with: make constraints"; \
	  $(PIP) freeze --disable-pip-version-check --exclude-editable \
	    | grep -v -e '^-e ' -e '^#' -e '@ file:' -i -e '^hanoi-gender-dashboard[=@ ]'; \
	} > constraints.txt.new
	@mv constraints.txt.new constraints.txt
	@touch $(STAMP_RUN) $(STAMP_TEST)
	@echo ">> constraints.txt: $$(grep -vc '^#' constraints.txt) pins"

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis test-results artifacts
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -f $(STAMP_RUN) $(STAMP_TEST)

# Imported figures and their audit trail cannot be rebuilt by `make seed`: distclean refuses
# while data/dashboard.sqlite holds any import or rollback batch (python -m dashboard
# distclean-check says which), unless forced with `make distclean FORCE=1`.
distclean:
	@if [ -f data/dashboard.sqlite ] && [ -z "$(FORCE)" ]; then \
	  if [ -x $(PY) ]; then \
	    $(PY) -m dashboard distclean-check --database data/dashboard.sqlite || exit 1; \
	  else \
	    echo "Không kiểm tra được data/dashboard.sqlite khi chưa có $(VENV); không xóa (FORCE=1 để vẫn xóa)." >&2; \
	    echo "Cannot check data/dashboard.sqlite without $(VENV); not deleting it (FORCE=1 to delete it anyway)." >&2; \
	    exit 1; \
	  fi; \
	fi
	@$(MAKE) --no-print-directory clean
	rm -rf $(VENV)
	rm -f data/dashboard.sqlite data/dashboard.sqlite-*
