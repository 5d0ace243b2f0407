# The two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000
# pytest-xdist workers: one per core (the suite is CPU-bound).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: run test install translations bench serve load lint security clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

# Catalogues are compiled here, never committed as binaries.
translations: $(VENV)/.installed
	@for d in portal/translations portal/*/translations; do \
	  [ -d "$$d" ] || continue; \
	  $(BIN)/pybabel compile -f -d "$$d" >/dev/null || exit 1; \
	done

run: install
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(FLASK) search reindex
	$(FLASK) demo-accounts
	@# The web server and the background worker (mail, reminders, upkeep) as one: Ctrl-C, or either
	@# one ending, stops both (portal/supervisor.py). The queue is SQLite in instance/ unless
	@# PORTAL_QUEUE_URL=redis://… is set.
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/python -m portal.supervisor \
	  "$(FLASK) run --host $(HOST) --port $(PORT)" "$(FLASK) worker"

lint: install
	$(BIN)/ruff check portal tests

# Static analysis of the code (.bandit says what is skipped and why) and a vulnerability audit of
# the installed packages: a known vulnerability fails; an unreachable vulnerability service is
# reported as NOT AUDITED without failing (.ci/audit_dependencies.py).
security: install
	$(BIN)/bandit -r portal -q -ll --ini .bandit
	$(BIN)/python .ci/audit_dependencies.py

# SQLite always; PostgreSQL too when PORTAL_TEST_DATABASE_URL is given (CI does).
test: install lint
	env -u PORTAL_TEST_DATABASE_URL $(BIN)/pytest -n $(TEST_WORKERS) -m "not postgres_only"
	@if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL: $$PORTAL_TEST_DATABASE_URL"; \
	  $(BIN)/pytest -n $(TEST_WORKERS) -m "not browser and not sqlite_only"; \
	fi

# Production-style serving: gunicorn, worker count fitted to the machine (gunicorn.conf.py).
# The background worker is a service of its own in production: `flask --app portal worker` on each
# host (README: "Background work", with a systemd unit); `make serve` starts only the web.
serve: install
	$(FLASK) init-db
	$(FLASK) search reindex
	$(BIN)/gunicorn -c gunicorn.conf.py

bench: install
	$(BIN)/python tests/benchmarks/run_all.py

# Load (not in CI): the 20,000-initiative corpus under gunicorn on 127.0.0.1, driven by locust
# for DURATION seconds, then the same load on a minimal Flask route. `make load DB=postgres`
# uses the database `load` on 127.0.0.1 (created). Extra options: LOAD_ARGS="--readers 20 …".
DB ?= sqlite
DURATION ?= 60
$(VENV)/.installed-load: setup.cfg | $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,load]'
	touch $@

load: install $(VENV)/.installed-load
	$(BIN)/python tests/load/run_load.py --db $(DB) --duration $(DURATION) $(LOAD_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
