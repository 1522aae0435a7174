# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup setup-dev db demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load
	$(FLASK) processes deploy

run: demo
	@echo ""
	@echo "Lanes is starting on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo "Demo logins, password 'lanes-demo': director, gm, sales_admin, order_clerk, billing_clerk,"
	@echo "  finance, rm_east, rep_east1, warehouse, auditor, process_admin (full list: README.md)"
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
# LANES_REQUIRE_POSTGRES=1 (CI) makes a missing PostgreSQL a failure, not a skip.
test: setup-dev
	$(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL"; \
		$(BIN)/python -m pytest --database-url "$$TEST_DATABASE_URL"; \
	elif [ -n "$$LANES_REQUIRE_POSTGRES" ]; then \
		echo "LANES_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not" >&2; exit 1; \
	else \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
