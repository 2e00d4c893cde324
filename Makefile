# Jigsaw: `make demo` runs it with synthetic data; `make test` runs every test.
# Both set up .venv themselves; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest

.DEFAULT_GOAL := help
.PHONY: help demo serve test test-sqlite test-postgres check bench format clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Jigsaw needs Python 3.11 or newer (set PYTHON=python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed  ## Migrate, load demo data (once) and serve on http://127.0.0.1:$${PORT:-8000}
	$(BIN)/jigsaw demo

serve: $(VENV)/.installed  ## Serve without loading demo data
	$(BIN)/jigsaw db upgrade
	$(BIN)/jigsaw serve

test: $(VENV)/.installed-dev  ## Run every test on SQLite, then on PostgreSQL if JIGSAW_TEST_DATABASE_URL is set
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$JIGSAW_TEST_DATABASE_URL" ]; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL run skipped: set JIGSAW_TEST_DATABASE_URL to run the suite on PostgreSQL too."; \
	fi

test-sqlite: $(VENV)/.installed-dev
	@echo "== Tests on SQLite =="
	env -u JIGSAW_TEST_DATABASE_URL $(BIN)/python -m coverage run -m pytest
	@echo "== Coverage (at least 95%; access/ and audit/ 100%) =="
	$(BIN)/python -m coverage report
	$(BIN)/python -m coverage report --include='src/jigsaw/access/*,src/jigsaw/audit/*' --fail-under=100

test-postgres: $(VENV)/.installed-dev
	@echo "== Tests on PostgreSQL =="
	$(PYTEST)

check: $(VENV)/.installed-dev  ## Lint, format check, strict types, import contracts, migrations agree with models
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	env -u JIGSAW_DATABASE_URL JIGSAW_DATA_DIR=$$(mktemp -d) $(BIN)/jigsaw db check

bench: $(VENV)/.installed-dev  ## Run the benchmarks and update BENCHMARKS.md (PostgreSQL too if JIGSAW_BENCH_DATABASE_URL names a *bench* database)
	$(BIN)/python bench/run.py

format: $(VENV)/.installed-dev  ## Fix formatting and safe lint findings
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:  ## Remove the virtualenv and caches (keeps var/, your data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov test-artifacts
