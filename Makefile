# Two entry points for a fresh Debian/Ubuntu machine (see README.md):
#   make serve   set up, build the whole site and serve it at http://127.0.0.1:8000
#   make test    set up, then run every test (lint, types, data, calculator, Pyodide, browsers)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup serve build test lint browsers offline bench clean

$(STAMP): pyproject.toml package.json package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(PY) -m scripts.build

serve: setup
	$(PY) -m scripts.build --serve

# The USB copy: build site/, then zip it as dist/社保扶贫政策对比-离线版.zip with 使用说明.txt.
offline: build
	$(PY) -m scripts.offline_zip

# Debian's Chromium and Firefox ESR drive the browser tests (their own downloads cannot work here).
browsers:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/firefox-esr ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
	  echo "installing chromium, firefox-esr and fonts-noto-cjk from the Debian archive"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium firefox-esr fonts-noto-cjk; \
	fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: setup browsers lint
	$(PY) -m pytest

# Every benchmark (about 10 minutes on 2 cores), then the page docs/benchmarks.md; see benchmarks/run_all.py.
bench: setup browsers
	$(PY) -m benchmarks.run_all

clean:
	rm -rf build dist site calculator/data docs/generated docs/index.md docs/calculator.md docs/about.md \
	  docs/topics docs/regions docs/sources docs/downloads docs/vendor
