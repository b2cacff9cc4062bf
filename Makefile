# Lantern: `make run` starts a demo, `make test` runs every check. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LANTERN_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_WORKERS ?= 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test test-sqlite test-postgres lint bench clean

$(BIN)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/lantern demo

lint: setup
	$(BIN)/ruff check src tests tools bench
	$(BIN)/ruff format --check src tests tools bench
	$(BIN)/lint-imports pyproject.toml
	DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=. $(BIN)/python -m django makemigrations --check --dry-run
	LANTERN_DEBUG=1 $(BIN)/mypy src/lantern

test: setup lint
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python tools/postgres_reachable.py "$(LANTERN_TEST_POSTGRES_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$CI" ]; then \
		echo "CI is set, and CI must test on PostgreSQL: failing."; exit 1; \
	else \
		echo "Skipping the PostgreSQL run: no server answers at $(LANTERN_TEST_POSTGRES_URL) (set LANTERN_TEST_POSTGRES_URL)."; \
	fi

test-sqlite: setup
	@echo "=== pytest on SQLite ==="
	LANTERN_DATABASE_URL=sqlite://:memory: $(BIN)/pytest -n $(PYTEST_WORKERS)

test-postgres: setup
	@echo "=== pytest on PostgreSQL ==="
	LANTERN_DATABASE_URL=$(LANTERN_TEST_POSTGRES_URL) $(BIN)/pytest -n $(PYTEST_WORKERS)

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
