# phaen: the two commands of the README are `make demo` and `make test`.
# Everything else here is for developers (make help).

SHELL := /bin/sh
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=

# The demo runs in DEBUG on the embedded SQLite database under var/ and may hold demo accounts.
DEMO_ENV := DEBUG=1 PHAEN_DEMO=1 PHAEN_DEFAULT_FISCAL_YEAR=2561 PHAEN_TASKS_IMMEDIATE=1 DATABASE_URL=
# Production-like settings for `check --deploy` (values are placeholders, never used to serve).
DEPLOY_ENV := DEBUG=0 SECRET_KEY=check-deploy-placeholder-$$(date +%s)-a8f3k2m9q7w1e5r4t6y8u0i2o4p6 \
	ALLOWED_HOSTS=phaen.example.go.th DATABASE_URL=sqlite:///:memory:

.PHONY: help demo test test-fast lint format messages bench clean venv venv-dev

help:
	@echo "make demo     set up everything and serve the demo on http://127.0.0.1:$(PORT)/"
	@echo "make test     run the whole test suite (DATABASE_URL selects the database)"
	@echo "make lint     ruff, format check, mypy, import-linter, check --deploy, migrations check"
	@echo "make format   apply ruff's formatting and safe fixes"
	@echo "make messages refresh the English catalogue, compile English and Thai"
	@echo "make bench    run the benchmarks under benchmarks/ (PostgreSQL: set DATABASE_URL)"
	@echo "make clean    remove the virtualenv, caches and var/"

# Virtualenv ------------------------------------------------------------------------------------

$(BIN)/activate:
	@python=$$(scripts/find-python) || exit 1; \
	echo "Using $$python"; \
	"$$python" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

# The two commands ------------------------------------------------------------------------------

demo: venv
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) load_demo
	@echo ""
	@echo "  phaen is running at http://127.0.0.1:$(PORT)/"
	@echo "  Demo accounts (password: phaen-demo): admin, planner, director, reporter, school, viewer"
	@echo "  Stop with Ctrl+C."
	@echo ""
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

# Coverage with its floor on the whole suite; `make test COV= PYTEST_ARGS=path` runs a part.
COV ?= --cov --cov-report=term:skip-covered --cov-fail-under=85

test: venv-dev
	$(BIN)/pytest -n 2 --dist loadgroup $(COV) $(PYTEST_ARGS)

test-fast: venv-dev
	$(BIN)/pytest -n 2 -m "not browser" $(PYTEST_ARGS)

# Quality ---------------------------------------------------------------------------------------

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy phaen
	$(BIN)/lint-imports
	$(DEPLOY_ENV) $(MANAGE) check --deploy --fail-level WARNING
	DEBUG=1 DATABASE_URL=sqlite:///:memory: $(MANAGE) makemigrations --check --dry-run

format: venv-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Our strings are Thai: extract them into the English catalogue only. The Thai catalogue holds
# hand-made Thai for third-party English messages; never run makemessages for th (or --all).
# tests/test_translations.py uses the same ignore list.
MESSAGES_IGNORE := --ignore "tests/*" --ignore "var/*" --ignore "phaen/core/static/vendor/*" \
	--ignore "benchmarks/*" --ignore "docs/*" --ignore "test-artifacts/*" --ignore "*.egg-info"

messages: venv
	DEBUG=1 $(MANAGE) makemessages --locale en $(MESSAGES_IGNORE) --no-obsolete
	DEBUG=1 $(MANAGE) makemessages --locale en --domain djangojs $(MESSAGES_IGNORE) --no-obsolete
	DEBUG=1 $(MANAGE) compilemessages --locale en --locale th --ignore ".venv/*" $(MESSAGES_IGNORE)

bench: venv-dev
	DEBUG=1 $(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
