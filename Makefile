# The two commands: `make run` (set up from nothing, load the sample LA, serve the dashboard)
# and `make test`. Everything installs itself: Python packages into .venv, Debian packages the
# tests need with apt-get when they are missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export CPD_DATA_DIR ?= $(CURDIR)/data
export GX_ANALYTICS_ENABLED := false
HOST ?= 127.0.0.1
PORT ?= 8050
# chromium prints the packs (and runs the browser tests); poppler-utils reads PDFs back in the
# tests; the packs are set in DejaVu
SYSTEM_PACKAGES := chromium chromium-driver poppler-utils fonts-dejavu-core

.PHONY: run test setup system-packages browser-deps sample bench validate-903 clean

# The demo: one demo user per role, a "demo" banner, this machine only (cpd serve --demo), and
# the clock beside it building the packs on the sample's schedule.
run: setup system-packages sample
	@echo "Serving the demo dashboard on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/cpd serve --demo --host $(HOST) --port $(PORT)

# Two pytest-xdist workers, a test file each at a time (its module fixtures built once): the
# browser journeys and the packs wait on Chromium much of the time.
test: setup system-packages browser-deps .venv-903/.installed
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian packages for the packs and the browser and PDF tests; installed only when one is
# missing.
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# axe-core for the accessibility checks in the browser tests, from the npm registry.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
browser-deps: $(AXE)
$(AXE):
	npm install --prefix .cache/axe axe-core@4 --no-audit --no-fund --silent

# Load every bundled sample extract (loading one already loaded changes nothing).
sample: setup
	$(BIN)/cpd load-sample

# One table of every figure and its target, and bench/results/bench-*.json (bench/run.py:
# BENCH_ARGS="--quick", "--scales la,alliance", "--keep DIR", "--skip-validator"). The other
# bench/*.py scripts still run on their own.
bench: setup system-packages .venv-903/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The DfE rules validator (csc-validator-be-903) pins old pandas, so it lives in its own
# virtual environment and never in the project's.
.venv-903/.installed: tools/requirements-903.txt
	$(PYTHON) -m venv .venv-903
	.venv-903/bin/pip install --quiet -r tools/requirements-903.txt
	touch $@

# Runs over every sample extract, each against its own collection year's rules.
validate-903: .venv-903/.installed
	@for dir in sample_data/20*/; do \
	  name=$$(basename $$dir); year=$${name:0:4}/$${name:5:2}; \
	  echo "== $$name (collection year $$year)"; \
	  .venv-903/bin/python tools/validate_903.py $$dir --collection-year $$year --la-code E06000015; \
	done

clean:
	rm -rf $(VENV) .venv-903 data
