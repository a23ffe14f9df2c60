# Tagar: `make run` serves the demo on SQLite; `make test` runs the test suite.
VENV   := .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: install db run test test-sqlite test-postgres lint serve worker bench restore-drill clean

# PIP_ARGS: .ci/run passes --no-compile (a fresh venv; bytecode is written on first import).
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q $(PIP_ARGS) -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

db: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty

# Both serve plain HTTP: session cookies must not be marked Secure or the browser drops them.
run: db
	SESSION_COOKIE_SECURE=0 $(BIN)/flask run --host $(HOST) --port $(PORT)

# Production-like server: gunicorn, two workers of four threads (a login's password hash no
# longer holds up every other request of its worker; docs/PERFORMANCE.md, issue 25); gunicorn.conf.py
# has each worker compile every template before it accepts its first connection.
serve: db
	SESSION_COOKIE_SECURE=0 $(BIN)/gunicorn --no-control-socket -w 2 --worker-class gthread \
	  --threads 4 -b $(HOST):$(PORT) wsgi:app

# The job worker for a Redis queue (TAGAR_JOBS_URL=redis://...; `make run` needs none: without
# Redis the app works its SQLite queue in a thread of its own).
worker: install
	$(BIN)/flask jobs worker

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set. Every test runs on SQLite and on
# PostgreSQL, except the browser tests when both passes run (CI): they drive the UI in a real
# Chromium (most of their time is the browser and axe, not the database) and run once, on
# PostgreSQL, production's database; without TEST_DATABASE_URL they run on SQLite. Issue 25.
test: install lint
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  $(MAKE) --no-print-directory test-sqlite SQLITE_ARGS="--ignore=tests/browser" && \
	  $(MAKE) --no-print-directory test-postgres; \
	else $(MAKE) --no-print-directory test-sqlite; fi

# Two workers on these 2-core machines (pytest-xdist); PYTEST_ARGS="-n 0" runs serially.
PYTEST_ARGS ?= -n 2

test-sqlite: install
	@echo "== tests on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS) $(SQLITE_ARGS)

test-postgres: install
	@echo "== tests on PostgreSQL ($$TEST_DATABASE_URL) =="
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff, and the architecture contracts of .importlinter (layers, no cycles; docs/ARCHITECTURE.md).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# `make bench`; the load profiles of issue 25 (a throwaway PostgreSQL database, emptied; served
# as docs/DEPLOY.md deploys: 4 workers x 4 threads, Redis cache, job workers at nice 10):
#   .venv/bin/python -m bench.load --profile deadline-day --database-url ...
#   .venv/bin/python -m bench.load --profile login-storm --database-url ...
#   .venv/bin/python -m bench.load --profile stress --database-url ...
# (`--workers 2 --threads 1 --job-nice 0 --cache-url ""`: the set-up before issue 25)
# and the fault drill of issue 24: .venv/bin/python -m bench.fault --database-url ...
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

# Restore the newest backup (or BACKUP=file) into a scratch database and compare the rollups
# with DATABASE_URL's (docs/DEPLOY.md).
restore-drill: install
	scripts/restore_drill.sh $(if $(BACKUP),$(BACKUP),--dump)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
