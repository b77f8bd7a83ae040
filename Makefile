# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: demo test lint setup screenshots

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

# The demo keeps to its own data directory (never NIANBAO_DATA_DIR, a deployment's).
DEMO_DATA_DIR ?= nianbao-demo-data

demo: setup
	NIANBAO_DEMO_DATA_DIR=$(DEMO_DATA_DIR) $(PY) -m service.web.demo

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .

# A PNG of every web page as admin, reviewer and viewer, with demo data (Playwright + Debian chromium).
SCREENSHOTS_DIR ?= out/screenshots

screenshots: setup
	$(PY) scripts/screenshots.py --out $(SCREENSHOTS_DIR)
