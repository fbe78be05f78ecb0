# Chợ OCOP — the two commands a newcomer needs are `make run` and `make test`.
#
#   make run     virtualenv + requirements + migrate + demo data, then http://127.0.0.1:8000
#   make test    lint + the whole test suite (SQLite; PostgreSQL/Redis when CI=true, see .ci/run)
#
# manage.py defaults to shop.settings.dev; the tests use shop.settings.test.
# Nothing has to be running beforehand: with no environment set the site uses
# SQLite, database-backed search, eager Celery tasks and the console for e-mail.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
LINT_PATHS := .

# Python 3.11: python3.11 if there is one, else python3 when it is 3.11.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || \
	(python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && command -v python3))

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run serve migrate demo test test-only lint format bench bench-stamps bench-search bench-checkout messages check-deploy clean venv install install-test

help:
	@echo "make run        create .venv, install, migrate, load the demo data and serve http://$(HOST):$(PORT)"
	@echo "make test       lint + the test suite (CI=true: PostgreSQL, Redis and a real Celery worker)"
	@echo "make lint       ruff check + ruff format --check"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make demo       (re)load the demo data (idempotent)"
	@echo "make bench      run the benchmarks in tests/bench (storefront on SQLite, stamps on PostgreSQL, search, checkout)"
	@echo "make bench-stamps  only the stamps one: /t/<code> under gunicorn with 1k and 1M stamps (PostgreSQL)"
	@echo "make bench-search  only the search one: both engines and Oscar's stock search, 20,000 products (PostgreSQL, SQLite)"
	@echo "make bench-checkout  only the checkout one: orders a second and the place-order time, two producers, cash (PostgreSQL)"
	@echo "make messages   extract and compile the Vietnamese translations (needs GNU gettext)"
	@echo "make clean      remove .venv, the SQLite database and var/"

# --- the virtualenv ---------------------------------------------------------
$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.11 is needed: install python3.11 (or make python3 a 3.11) and run make again." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files make reruns fast: pip runs again only when a requirements file changes.
$(VENV)/.requirements.stamp: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.requirements-test.stamp: requirements-test.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $(VENV)/.requirements.stamp $@

venv: $(PY)
install: $(VENV)/.requirements.stamp
install-test: $(VENV)/.requirements-test.stamp

# --- running the site -------------------------------------------------------
migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo_data

run: demo
	$(MANAGE) runserver $(HOST):$(PORT)

serve: install
	$(MANAGE) runserver $(HOST):$(PORT)

# --- quality ----------------------------------------------------------------
lint: install-test
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

format: install-test
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

# pytest says 5 when it collected no test: that is not a failure of the code.
test: lint test-only

test-only: install-test
	@rc=0; DJANGO_SETTINGS_MODULE=shop.settings.test $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no test"; rc=0; fi; exit $$rc

bench: install-test
	$(PY) tests/bench/run_bench.py
	$(PY) tests/bench/stamps_bench.py
	$(PY) tests/bench/search_bench.py
	$(PY) tests/bench/checkout_bench.py

# /t/<code> under gunicorn with 1,000 and 1,000,000 stamps, and a 100,000-stamp batch (PostgreSQL on 127.0.0.1).
bench-stamps: install-test
	$(PY) tests/bench/stamps_bench.py

# Search and suggestions of both engines against Oscar's stock search, and a full reindex, at 20,000
# products (PostgreSQL on 127.0.0.1 and SQLite; Elasticsearch emulated by osmem-server).
bench-search: install-test
	$(PY) tests/bench/search_bench.py

# Signed-in buyers place orders of two producers' products (one delivered, the other delivered or picked up
# at a sales point), paid in cash, through the checkout's views in-process: one at a time and several at
# once (PostgreSQL on 127.0.0.1, the demo data; Celery's memory broker, so no worker is needed).
bench-checkout: install-test
	$(PY) tests/bench/checkout_bench.py

check-deploy: install
	DJANGO_SETTINGS_MODULE=shop.settings.production \
	SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-ocop.example.vn}" \
	$(MANAGE) check --deploy --fail-level WARNING

# --- translations -----------------------------------------------------------
messages: install
	mkdir -p locale
	$(MANAGE) makemessages -l vi --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=node_modules
	$(MANAGE) compilemessages -l vi --ignore=.venv

clean:
	rm -rf $(VENV) var db.sqlite3
	find . -name __pycache__ -type d -not -path './.venv/*' -prune -exec rm -rf {} +
