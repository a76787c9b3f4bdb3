# Sasar: `make run` installs and starts the demo; `make test` installs and runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CENTROIDS ?= ../shared/data/situbondo_desa_centroids.csv

.PHONY: install run test lint browser translations bench clean lead-files

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(FLASK) sasar init
	@if [ -f "$(CENTROIDS)" ]; then $(FLASK) sasar load-centroids "$(CENTROIDS)"; fi
	$(FLASK) sasar seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# Playwright drives Debian's chromium: Playwright's own browser download is not available here.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The office-format test files (tests/data/leads_dinsos.xls, .ods, .xlsm) are saved by LibreOffice; they are
# committed, so `make test` does not need it — only making them again does.
lead-files: install
	@command -v soffice >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libreoffice-calc-nogui; }
	$(BIN)/python tests/data/make_lead_files.py

lint: install
	$(BIN)/ruff check .

test: install browser lint
	$(BIN)/pytest

# Sorted, without line numbers or dates: two branches that add different strings merge without conflict.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o crm/translations/messages.pot .
	$(BIN)/pybabel update -i crm/translations/messages.pot -d crm/translations --no-fuzzy-matching --ignore-obsolete
	sed -i -e '/^"POT-Creation-Date:/d' -e '/^"PO-Revision-Date:/d' crm/translations/messages.pot \
		crm/translations/id/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -d crm/translations

# Benchmarks, one after the other (15 minutes or so; never part of `make test`); results: docs/PERFORMANCE.md.
bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench_funnel.py
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/loadtest.py
	$(BIN)/python bench/bench_phone.py
	$(BIN)/python bench/bench_import.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
