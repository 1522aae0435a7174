# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

VENDOR := app/web/static/vendor

.PHONY: run test test-faketime setup setup-dev assets translations db demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed assets
setup-dev: $(VENV)/.installed-dev assets

# bpmn-js from the npm registry, exactly as package-lock.json pins it, copied
# into the git-ignored app/web/static/vendor/, and the studio (our sources in
# app/web/assets/studio/ with bpmn-js, its properties panel and minimap)
# bundled there by esbuild (pages load nothing from a CDN).
$(VENDOR)/.built: package.json package-lock.json app/web/assets/copy_vendor.mjs app/web/assets/build_studio.mjs \
		$(wildcard app/web/assets/studio/*) $(wildcard app/web/assets/studio/*/*)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

assets: $(VENDOR)/.built

# After changing user-facing text: extract it, merge it into the catalogues,
# translate the new entries in app/translations/*/LC_MESSAGES/messages.po,
# then run this again to compile. The .mo files are committed so that a
# plain checkout serves Chinese pages without a build step; a test checks
# that they match their .po.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext --no-location --sort-output -o app/translations/messages.pot app
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d app/translations --statistics

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load
	$(FLASK) processes deploy

run: demo
	@echo ""
	@echo "Lanes is starting on http://$(HOST):$(PORT)/  (Ctrl+C stops it and its worker)"
	@echo "Demo logins, password 'lanes-demo': director, gm, sales_admin, order_clerk, billing_clerk,"
	@echo "  finance, rm_east, rep_east1, warehouse, auditor, process_admin (full list: README.md)"
	@echo ""
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) worker & worker=$$!; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL
# at the same time (a process each; each pass's log is printed when all end).
# LANES_REQUIRE_POSTGRES=1 (CI) makes a missing PostgreSQL a failure, not a skip.
#
# FAKETIME_PASS=1 (CI) adds a third pass beside them: SQLite again, with the
# system clock moved by Debian's faketime to 2027-12-31 16:30 UTC: more than a
# year ahead, and 2028-01-01 00:30 in Shanghai while still the old year in UTC
# (TZ=UTC, as on a server), so any read of the system clock or of a UTC date
# instead of the business date shows. Frozen-clock tests are unmoved; tests
# marked real_clock (workers, the live browser server, chromium included:
# LD_PRELOAD is inherited) and the clock-free ones run in 2028. -m: the
# multi-threaded libfaketime (live server threads); not --exclude-monotonic,
# under which chromium hangs.
FAKETIME_AT ?= 2027-12-31 16:30:00
test: setup-dev
	@if [ "$$FAKETIME_PASS" = 1 ]; then command -v faketime >/dev/null || \
		{ echo "faketime is missing (apt-get install faketime)" >&2; exit 1; }; fi
	bash .ci/test-passes $(BIN) '$(FAKETIME_AT)'

# The faketime pass alone.
test-faketime: setup-dev
	@command -v faketime >/dev/null || { echo "faketime is missing (apt-get install faketime)" >&2; exit 1; }
	TZ=UTC faketime -m '$(FAKETIME_AT)' $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis node_modules $(VENDOR) test-artifacts
