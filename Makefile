# Accord — set-up, checks and the demo. `make demo` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DIR ?= var/demo

.PHONY: install demo serve test lint format i18n constraints bench bench-assistance clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	mkdir -p $(DEMO_DIR)
	ACCORD_DATA_DIR=$(DEMO_DIR) $(BIN)/accord db upgrade
	ACCORD_DATA_DIR=$(DEMO_DIR) $(BIN)/accord demo load
	@ACCORD_DATA_DIR=$(DEMO_DIR) $(BIN)/accord demo logins
	@echo "Open http://$(HOST):$(PORT)/ (TOTP codes change every 30 s: run '.venv/bin/accord demo logins' again)"
	ACCORD_DATA_DIR=$(DEMO_DIR) $(BIN)/accord serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/mypy --strict src

format: install
	$(BIN)/ruff check --fix src tests scripts bench
	$(BIN)/ruff format src tests scripts bench

test: install
	bash scripts/test.sh

i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -o src/accord/web/locales/messages.pot src
	$(BIN)/pybabel update -i src/accord/web/locales/messages.pot -d src/accord/web/locales --no-fuzzy-matching

# Benchmarks (not part of `make test`): the screening figures of issue 6, with the peer matcher.
bench: install
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python bench/screening.py --alerts 100000 --probes 5000

bench-assistance: install
	$(BIN)/python bench/assistance_load.py --requests 20000

constraints: install
	$(BIN)/pip freeze --exclude-editable | { echo "# Pinned versions of every package Accord installs (direct and transitive)."; echo "# Regenerate with: make constraints"; cat; } > constraints.txt

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
