# The README's commands. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DEV := DEBUG=1
PG_URL ?= postgres://postgres@127.0.0.1:5432/idlwiki_ci

.PHONY: install run test test-postgres lint format check-deploy ci clean bench-import bench-links bench check-seeds

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the browser tests' accessibility checks (package.json pins it); optional without npm.
NODE_TOOLS := node_modules/.installed
$(NODE_TOOLS): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility checks will be skipped (install Node.js to run them)"; fi

install: $(INSTALLED) $(NODE_TOOLS)

## Serve the site at http://127.0.0.1:8000 with demo data (SQLite in ./db.sqlite3).
run: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py demo_data
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

## The whole test suite (unit, page and browser tests) on the database DATABASE_URL names (SQLite by default).
test: install
	$(VENV)/bin/pytest

## The same suite on the local PostgreSQL (a throw-away test database is created and dropped).
test-postgres: install
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

ci: lint test test-postgres

clean:
	rm -rf $(VENV) staticfiles node_modules

## How fast a 10,000- and a 40,000-entry reading log import, and the memory each adds.
bench-import: install
	$(PY) benchmarks/import_log.py

## How fast a 5,000-link markdown list imports, and a second import that adds nothing.
bench-links: install
	$(PY) benchmarks/import_links.py

## Queries, server time and requests/s of the main pages at BENCH_SCALE references (DATABASE_URL for PostgreSQL).
BENCH_SCALE ?= 100000
bench: install
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y wrk || { apt-get update -q && apt-get install -y wrk; } || true
	$(PY) benchmarks/pages.py --scale $(BENCH_SCALE)

## Import the team's real files (SEEDS=dir) in several orders and check they give the same library,
## and that each file alone exports back as it was (line for line; an ideas file reads back the same).
SEEDS ?= ../shared/seeds
check-seeds: install
	$(PY) benchmarks/seed_orders.py $(SEEDS)

# Backups of the database DATABASE_URL names. DEBUG only spares a SECRET_KEY; no page is served.
.PHONY: backup restore
## Back up the whole database into backups/ (IDL_BACKUP_DIR overrides); safe while the site runs.
backup: install
	$(DEV) $(PY) manage.py backup

## Replace the database with a backup: make restore FILE=backups/idl-sqlite-….sqlite3 (asks first; stop the site first).
restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=<backup file>. Backups, newest first:"; \
		ls -1t "$${IDL_BACKUP_DIR:-backups}" 2>/dev/null | head -n 10; exit 2; }
	$(DEV) $(PY) manage.py restore "$(FILE)"

# Load test: concurrent members writing through gunicorn (benchmarks/loadtest.py).
.PHONY: loadtest
## 32 members log in and write for 30 s through gunicorn; fails on any 5xx or lost write (DATABASE_URL=postgres://…/idl_loadtest for PostgreSQL).
loadtest: install
	$(PY) benchmarks/loadtest.py

## The same while a gunicorn worker is killed with SIGKILL every 2 s: no acknowledged write may be lost.
.PHONY: loadtest-kill
loadtest-kill: install
	LOADTEST_KILL_EVERY=$${LOADTEST_KILL_EVERY:-2} $(PY) benchmarks/loadtest.py
