# Hà Nội gender-equality dashboard — developer and CI entry points.
#
#   make run              serve the dashboard on http://0.0.0.0:5006/ (and /app)
#   make run PORT=5007    ... on another port
#   make test             unit + served-app + browser + notebook tests
#   make lint | bench | seed | constraints | clean | distclean
#
# Serving on an intranet host: the server listens on $(ADDRESS) (all interfaces by
# default) and accepts Bokeh websocket connections from the origins listed in
# ALLOW_ORIGIN (space-separated HOST[:PORT] values; '*' = any host, the default).
# To lock it down:   make run ALLOW_ORIGIN="dashboard.hanoi.local:5006 localhost:5006"
# Local only:        make run ADDRESS=127.0.0.1 ALLOW_ORIGIN=localhost:5006
# Extra `panel serve` flags go in PANEL_ARGS, e.g. PANEL_ARGS="--num-procs 4".

SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT         ?= 5006
ADDRESS      ?= 0.0.0.0
ALLOW_ORIGIN ?= *
PANEL_ARGS   ?=

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

# Both / and /app serve the app: `--index app` maps the root URL onto app.py instead
# of answering / with a redirect to /app (Panel's redirect drops the query string,
# so /?page=map&lang=en would lose its parameters). --liveness adds /liveness for
# health checks.
#
# Editors sign in at /login (dashboard/auth.py; add one with `python -m dashboard add-editor
# NAME`); everyone else views without signing in. The cookie secret that signs sign-ins comes
# from DASHBOARD_COOKIE_SECRET or data/.cookie_secret (made on first run) and reaches
# `panel serve` in its environment, not on its command line where `ps` would show it
# (so do not add --cookie-secret to PANEL_ARGS).
PANEL_SERVE = PANEL_COOKIE_SECRET="$$($(PY) -c 'from dashboard.auth import cookie_secret; print(cookie_secret())')" \
	$(PY) -m panel serve app.py --index app --websocket-compression-level 6 \
	--auth-module dashboard/auth.py \
	--port $(PORT) --address $(ADDRESS) \
	$(foreach o,$(ALLOW_ORIGIN),--allow-websocket-origin '$(o)') \
	--liveness $(PANEL_ARGS)

.PHONY: help venv install install-test run test chromium postgresql bench lint seed constraints clean distclean

help:
	@echo "Targets:"
	@echo "  run          install, seed data/dashboard.sqlite if missing, serve on :$(PORT) (/ and /app)"
	@echo "  test         install test extras (+ Debian chromium, postgresql if missing), run pytest"
	@echo "  bench        run benchmarks/run.py"
	@echo "  lint         ruff check"
	@echo "  seed         (re)build the embedded database"
	@echo "  constraints  regenerate constraints.txt from .venv"
	@echo "  clean        remove caches and build artefacts; distclean also .venv and the db"
	@echo "Variables: PORT=$(PORT) ADDRESS=$(ADDRESS) ALLOW_ORIGIN='$(ALLOW_ORIGIN)' PANEL_ARGS=..."

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
	$(PANEL_SERVE)

seed: $(STAMP_RUN)
	$(PY) -m dashboard seed

# Every speed goal in one table, the dashboard served as `make run` serves it (temporary
# database, own process group) beside a peer timed in the same run:
#   make bench PEER_URL=http://127.0.0.1:5202/panel_naive_app     a peer already running
#   make bench PEER_DIR=../shared/peers PEER_PYTHON=/tmp/peers-venv/bin/python
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
test: $(STAMP_TEST) chromium postgresql
	$(PY) -m pytest $(PYTEST_ARGS)

postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo ">> installing Debian postgresql"; \
	  $(APT_GET) update && $(APT_GET) install -y --no-install-recommends postgresql; \
	fi

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

distclean: clean
	rm -rf $(VENV)
	rm -f data/dashboard.sqlite data/dashboard.sqlite-*
